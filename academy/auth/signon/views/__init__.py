"""Sign-on pages: the way through the provider or the directory (``signin``) and the
administration's unlinking of a directory account (``admin``)."""
