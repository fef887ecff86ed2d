"""The base layer: errors, settings, HTTP, files, redaction, languages.

Nothing here imports from any other part of the package."""
