"""Who may do what in the voting stage: predicates `(obj, user)` built on pbcity.permissions."""

# --- Exhibition and voters (V1) ---------------------------------------------------------------
