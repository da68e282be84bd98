"""English topic tagging reads the lexicon's English synonyms (``synonyms_en``), not only its labels.

The texts are written for this test; each names its topic only by a synonym, never by the label.
"""

from __future__ import annotations

from analysis.tagging import english_topic_tags
from analysis.topics import load_topics


def _names(text: str) -> list[str]:
    return [t.name for t in english_topic_tags(text)]


def test_a_synonym_alone_tags_the_topic() -> None:
    sanctions = ("Brussels approved new restrictive measures on Belarusian potash exporters on Monday. "
                 "The restrictive measures take effect in June, officials said.")
    hacking = ("Hackers broke into the ministry's mail servers overnight. "
               "Investigators believe the hackers worked for a foreign government.")
    truce = "The truce held for a second day along the front line, and both sides said the truce could be extended."
    assert "санкции" in _names(sanctions)
    assert "кибератаки" in _names(hacking)
    assert "перемирие" in _names(truce)


def test_the_synonyms_really_are_the_lexicons() -> None:
    """The texts above rely on the data file, not on words added for them: their words are synonyms
    there and not the labels, so the test tracks what the lexicon says."""
    by_name = {t.name: t for t in load_topics()}
    for name, word in (("санкции", "restrictive measures"), ("кибератаки", "hackers"), ("перемирие", "truce")):
        assert word in by_name[name].synonyms_en and word != by_name[name].label_en


def test_an_unrelated_english_text_gets_no_topic_from_synonyms() -> None:
    assert _names("The bakery on Elm Street sells rye bread and cinnamon rolls every morning.") == []
