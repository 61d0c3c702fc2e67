"""The error every stage raises for bad input; the CLI prints it on one line and exits 2."""


class LogsgdError(Exception):
    """A user-facing error: bad parameter, missing file or tool, failed simulation."""
