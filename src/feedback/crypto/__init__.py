"""Key material: master keys, one sealing (public) and opening (private) key pair per period.

`sealing` holds public keys only and is all that intake may import; `opening` and `wrapping`
touch private keys; `service` creates, lists, re-wraps and destroys them.
"""
