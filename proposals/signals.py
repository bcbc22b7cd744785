"""Signals other apps listen to, so that `proposals` never imports the stages after it."""
import django.dispatch

# Sent inside the transaction of every lifecycle transition, after the log is written.
# kwargs: proposal (locked, already in its new state), log (TransitionLog), actor.
# A receiver that raises rolls the transition back: keep receivers to writes that belong to it
# (e.g. tracking creates the project when execution starts).
transitioned = django.dispatch.Signal()
