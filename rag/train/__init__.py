"""Training the sentence reader (``make train-reader``): never run by ``make run`` or ``make test``."""
