"""The digital SGDr baseline: RTL, generated cell library, synthesis, checks and transistor-level power."""
