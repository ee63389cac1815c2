"""Politeness counts per host, whatever spelling of the host a URL uses."""

from baochi.collect.politeness import host_of


def test_both_spellings_of_an_idn_host_are_one_host_for_politeness() -> None:
    """A source stored in punycode and the links its feed writes in Unicode share one turn."""
    assert host_of("http://Hànộimới.vn/tin-tức/bai-1.html") == "http://xn--hnimi-rqa6284csa.vn"
    assert host_of("http://xn--hnimi-rqa6284csa.vn:80/rss") == "http://xn--hnimi-rqa6284csa.vn"
