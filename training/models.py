"""Models arrive with this stage's issue (see DESIGN.md, "Where each part lives")."""
