"""Single-instance socket: any message is parsed without raising; a bad one gets a notice."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtNetwork import QLocalSocket

from smootify_player.app.single import InstanceServer, parse_message, server_name
from smootify_player.app.state import valid_path
from smootify_player.notices import NoticeLevel

from .strategies import json_values

FEW = settings(max_examples=200, deadline=None)
_names = st.text(max_size=10) | st.sampled_from(["/m/a.mid", "", "a\x00b", "\udcff", "\ud800"])


def check(line: bytes) -> tuple[list[str] | None, str | None]:
    paths, why = parse_message(line)
    assert paths is None or all(valid_path(p) for p in paths)
    assert why is None or (isinstance(why, str) and "\n" not in why)
    assert paths is not None or why is not None
    return paths, why


@FEW
@given(json_values | st.fixed_dictionaries({"open": st.lists(_names | json_values, max_size=5)
                                            | json_values}))
def test_any_json_message_parses_without_raising(value):
    paths, why = check(json.dumps(value).encode())
    good = isinstance(value, dict) and isinstance(value.get("open"), list)
    assert (paths is not None) == good
    if good:
        assert paths == [p for p in value["open"] if valid_path(p)]
        assert (why is None) == (len(paths) == len(value["open"]))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=64))
def test_any_bytes_parse_without_raising(data):
    check(data)


def test_open_5_is_refused_and_named_names_survive():
    assert parse_message(b'{"open": 5}')[0] is None
    assert parse_message(b"\xff\xfe")[0] is None
    assert parse_message(b"[" * 100_000)[0] is None
    # a file name that is not UTF-8 travels as a surrogate escape and is kept
    paths, why = parse_message(json.dumps({"open": ["/m/\udcff.mid", 3]}).encode())
    assert paths == ["/m/\udcff.mid"] and "1 entry" in why


def test_server_answers_bad_messages_with_a_notice(qapp, qtbot, tmp_path):
    opened: list[list[str]] = []
    notices: list[str] = []
    server = InstanceServer(server_name(tmp_path), opened.append, on_notice=notices.append)
    clients = []
    assert server.listening
    try:
        for msg, answer in ((b'{"open": 5}\n', b"error"), (b"not json\n", b"error"),
                            (b'{"open": ["/m/a.mid", 5]}\n', b"ok")):
            sock = QLocalSocket()
            clients.append(sock)
            sock.connectToServer(server_name(tmp_path))
            assert sock.waitForConnected(2000)
            sock.write(msg)
            sock.flush()
            qtbot.waitUntil(lambda s=sock: s.bytesAvailable() > 0, timeout=5000)
            assert bytes(sock.readAll()).startswith(answer)
            sock.disconnectFromServer()
            qtbot.wait(20)
        assert opened == [["/m/a.mid"]]
        assert len(notices) == 3 and all(n.level == NoticeLevel.WARNING for n in notices)
        assert 'not {"open": [files]}' in notices[0] and "1 entry was" in notices[2]
    finally:
        server.close()
        qtbot.wait(20)
