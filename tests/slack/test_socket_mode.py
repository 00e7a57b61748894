"""Socket Mode end to end: the real SocketModeHandler against a local mock WebSocket server."""

from bot.slack.app import socket_mode_handler
from tests.slack_harness import MockSocketModeServer, payloads


def test_socket_mode_mention_and_command(slack, slack_settings) -> None:
    with MockSocketModeServer() as server:
        slack.socket_mode(server)
        handler, _ = socket_mode_handler(slack_settings)
        try:
            handler.connect()
            server.wait_for_connection()
            mention = payloads.app_mention_event("<@UBOT> help", user="U0ALICE", channel="C0APOLLO")
            event_envelope = server.send_envelope("events_api", payloads.event_callback(mention))
            url = slack.response_url("socket-cmd")
            command = payloads.slash_command(
                "project", user="U0ALICE", channel="C0NEW", response_url=url
            )
            command_envelope = server.send_envelope("slash_commands", command)

            server.wait_for_ack(event_envelope)
            server.wait_for_ack(command_envelope)
            [post] = slack.wait_for("chat.postMessage")
            assert post.args["thread_ts"] == mention["ts"]
            assert "Here's what I can do" in post.args["text"]
            [answer] = slack.wait_for("response_url")
            assert "not linked to a project" in answer.args["text"]
        finally:
            handler.close()
    assert slack.calls("apps.connections.open")[0].token == "xapp-test"
