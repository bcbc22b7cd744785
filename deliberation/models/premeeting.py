"""Pre-meeting (會前會), designation contests, agency contact log, designation principles, side tracks."""
