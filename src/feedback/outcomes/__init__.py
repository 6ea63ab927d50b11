"""Outcome pairing: an intake and an exit survey counted together by a code the survivor keeps."""
