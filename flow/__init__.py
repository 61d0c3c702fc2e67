"""Flow stages (files in, files and typed results out) and the command line."""
