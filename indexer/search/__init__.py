"""The search facade: the functions the web app and the CLI call, returning plain data."""
