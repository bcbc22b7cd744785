"""Forms of the voting stage, one module per area."""
