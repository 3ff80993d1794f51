"""Records: the data model, front matter, field rules, the catalog of measures and sources, places, glossary, register."""
