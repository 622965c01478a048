"""Stage 2, documents: a validated `Content` → what each document says.

Takes the typed content of an edition; gives the typed context of each template
(`ReportContext`, `SynthesisContext`): the synthesis figures, the wording in French,
the charts as PNG bytes with their alt text, in the house style. Knows nothing of
Word templates or of the build; charts are kept by a store the build provides.
"""
