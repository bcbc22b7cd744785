"""Forms of the deliberation stage: `premeeting` (pre-meeting, side tracks, stage 1) and `panel` (the review panel)."""
