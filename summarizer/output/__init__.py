"""The brief as the reader gets it: the output contract (``brief``) and actor names."""
