"""Date formats shared by the admin and the public site (FORMAT_MODULE_PATH).

Only what differs from Django's own locale formats is here; the rest (decimal comma,
input formats) comes from Django.
"""
