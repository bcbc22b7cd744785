"""Workshop stage 1 (提案討論): sessions, agency opinions, expert suggestions."""
