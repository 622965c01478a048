"""Stage 3, word: a Word template and a typed context → the bytes of a DOCX.

Takes a template (templates/*.docx) and a context from `documents`; gives the
rendered document in memory, in a sandbox that lets a template reach data and
nothing else. Also: the template checker (`verifier`) and the fields reference
(`champs`), both read from the context classes. Writes no file.
"""
