"""The SSRF guard's decision, tested on addresses as data (no traffic)."""

import ipaddress

import pytest

from baochi.collect.ssrf import inside, refusal

LOOPBACK_ONLY = (ipaddress.ip_network("127.0.0.1/32"),)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.0.0.2",
        "10.1.2.3",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.1.1",
        "169.254.10.10",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "2002:a9fe:a9fe::1",  # 6to4 around 169.254.169.254
        "2002:a00:1::1",  # 6to4 around 10.0.0.1
        "192.0.0.192",  # a cloud's metadata address that ipaddress calls global
    ],
)
def test_internal_addresses_are_refused(address: str) -> None:
    assert refusal(address) is not None


@pytest.mark.parametrize("address", ["203.113.131.1", "14.225.0.1", "2001:4860:4860::8888"])
def test_public_addresses_pass(address: str) -> None:
    assert refusal(address) is None


def test_allowlist_exempts_only_its_networks() -> None:
    assert refusal("127.0.0.1", LOOPBACK_ONLY) is None
    assert refusal("::ffff:127.0.0.1", LOOPBACK_ONLY) is None
    assert str(refusal("127.0.0.2", LOOPBACK_ONLY)) == "loopback address 127.0.0.2"


def test_metadata_address_is_refused_even_when_allowlisted() -> None:
    everything = (ipaddress.ip_network("0.0.0.0/0"),)
    assert str(refusal("169.254.169.254", everything)) == "metadata address 169.254.169.254"


def test_a_url_naming_an_inside_address_outright_is_refused_before_any_fetch() -> None:
    """An IP literal or localhost is judged when the source is added; a name waits for DNS."""
    assert str(inside("http://192.168.1.10/rss")) == "private address 192.168.1.10"
    assert str(inside("https://LOCALHOST./feed")) == "loopback address 127.0.0.1"
    assert str(inside("http://api.localhost:8080/x")) == "loopback address 127.0.0.1"
    assert str(inside("http://[::ffff:10.0.0.1]/")) == "private address 10.0.0.1"
    assert inside("http://127.0.0.1:8123/rss", LOOPBACK_ONLY) is None  # the allowlist
    assert inside("https://hanoimoi.vn/rss") is None and inside("https://8.8.8.8/") is None
    # the forms an IPv4 address also takes in a URL, read as the resolver would read them
    assert str(inside("http://167772161/rss")) == "private address 10.0.0.1"
    assert str(inside("http://0x7f.1/")) == "loopback address 127.0.0.1"
    assert str(inside("http://0177.0.0.1/")) == "loopback address 127.0.0.1"
    assert inside("http://2130706433/", LOOPBACK_ONLY) is None
    assert inside("http://24h.com.vn/") is None and inside("http://123abc/") is None


@pytest.mark.parametrize(
    ("address", "shown"),
    [
        ("127.0.0.1", "địa chỉ nội bộ (loopback) 127.0.0.1"),
        ("192.168.1.1", "địa chỉ mạng riêng 192.168.1.1"),
        ("169.254.169.254", "địa chỉ dịch vụ metadata của máy chủ đám mây 169.254.169.254"),
        ("100.64.0.1", "địa chỉ không ra được Internet 100.64.0.1"),
    ],
)
def test_a_refusal_reads_in_vietnamese_for_the_pages(address: str, shown: str) -> None:
    refused = refusal(address)
    assert refused is not None and str(refused.phrase()) == shown
