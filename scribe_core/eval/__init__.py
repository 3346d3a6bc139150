"""Evaluation of the offline engine on real and synthetic recordings (`python -m scribe_core.eval`)."""
