"""The fact format's name and the kinds of unit: what readers and writers of fact files share,
in a module that imports nothing (the dossier derivation writes facts without loading any)."""

SCHEMA = "cchc-facts/1"
UNIT_KINDS: tuple[str, ...] = ("city", "department", "district", "division", "commune")
