"""Talking to a model: request options, the sans-I/O conversation, the transport, backends and
the embedded server."""
