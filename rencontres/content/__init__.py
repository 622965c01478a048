"""Stage 1, content: the YAML files of content/ → a validated `Content`.

Takes the content folder (referentiel, one folder per edition); gives typed model
objects (`Content`, `Edition`, `TerritoryReport`…) with every problem of every file
raised at once, located by file, line and column. Knows nothing of documents, Word
or the build. Also: the JSON schemas of the files, and the files of a new edition.
"""
