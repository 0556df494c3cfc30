"""Distribution lists: who receives the internal and the public lägesbild."""

AUDIENCES = ("internal", "public")
# What a recipient is to the picture (the source's distribution: duty officer, department heads, leading
# politicians, the county administrative board, the reporters, the media).
FUNCTIONS = ("tib", "forvaltningschef", "kommunalrad", "lansstyrelsen", "rapportorer", "media")
