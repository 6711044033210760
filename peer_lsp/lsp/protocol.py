"""pygls protocol tuned for peer-lsp: UTF-8 positions when offered, one copy of each text,
and an answer for every request, whatever the client sends.

pygls keeps its own copy of every open document and re-splits it into lines on every change;
peer-lsp keeps documents itself (peer_lsp.documents), so the built-in open/change/close
bookkeeping is skipped and only the registered handlers run.

Messages arrive through ``receive`` (see peer_lsp.lsp.stdio), not pygls's reader: a request
is answered with the LSP's error when it cannot run (ServerNotInitialized before
``initialize``, InvalidRequest after ``shutdown``, MethodNotFound, InvalidParams when its
params do not fit the method's types), and a notification that cannot run is logged and
dropped. pygls would log such a message and answer nothing, leaving the editor waiting.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Generator
from typing import Any

from cattrs import ClassValidationError, Converter, transform_error
from lsprotocol import types
from pygls.capabilities import ServerCapabilitiesBuilder
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method
from pygls.protocol.json_rpc import (
    JsonRPCNotification,
    JsonRPCRequestMessage,
    JsonRPCResponseMessage,
)
from pygls.uris import from_fs_path
from pygls.workspace import Workspace

from peer_lsp.lsp import envelope
from peer_lsp.lsp.envelope import (
    INVALID_PARAMS,
    INVALID_REQUEST,
    METHOD_NOT_FOUND,
    SERVER_NOT_INITIALIZED,
    MsgId,
    Refusal,
)
from peer_lsp.lsp.framing import MAX_MESSAGE_BYTES, Frame, Oversized
from peer_lsp.text.positions import Encoding

log = logging.getLogger(__name__)

_CAMEL = re.compile(r"_([a-z])")


def choose_encoding(capabilities: types.ClientCapabilities) -> Encoding:
    """UTF-8 when the client offers it (no conversion at all), else UTF-16 (the default)."""
    general = capabilities.general
    offered = (general.position_encodings if general else None) or []
    if types.PositionEncodingKind.Utf8 in offered:
        return Encoding.UTF8
    return Encoding.UTF16


class PeerProtocol(LanguageServerProtocol):
    """The LSP protocol with peer-lsp's encoding choice and document handling."""

    def __init__(self, server: LanguageServer, converter: Converter) -> None:
        super().__init__(server, converter)
        self._initialize_received = False
        self._shutdown_received = False

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(
        self, params: types.InitializeParams
    ) -> Generator[Any, Any, types.InitializeResult]:
        self._server.process_id = params.process_id
        self.client_capabilities = params.capabilities
        encoding = choose_encoding(params.capabilities)
        position_encoding = types.PositionEncodingKind(encoding.value)
        root_uri = params.root_uri
        if root_uri is None and params.root_path is not None:
            root_uri = from_fs_path(params.root_path)
        self._workspace = Workspace(
            root_uri,
            self._server._text_document_sync_kind,
            params.workspace_folders or [],
            position_encoding,
        )
        if (handler := self.fm.features.get(types.INITIALIZE)) is not None:
            yield handler, (params,), None
        self.server_capabilities = ServerCapabilitiesBuilder(
            self.client_capabilities,
            set({**self.fm.features, **self.fm.builtin_features}.keys()),
            self.fm.feature_options,
            list(self.fm.commands.keys()),
            self._server._text_document_sync_kind,
            self._server._notebook_document_sync,
            position_encoding,
        ).build()  # type: ignore[no-untyped-call]
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "capabilities: %s",
                json.dumps(self.server_capabilities, default=self._serialize_message),
            )
        return types.InitializeResult(
            capabilities=self.server_capabilities, server_info=self.server_info
        )

    def _user_handler(self, method: str, params: Any) -> Generator[Any, Any, None]:
        if (handler := self.fm.features.get(method)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(
        self, params: types.DidOpenTextDocumentParams
    ) -> Generator[Any, Any, None]:
        yield from self._user_handler(types.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(
        self, params: types.DidChangeTextDocumentParams
    ) -> Generator[Any, Any, None]:
        yield from self._user_handler(types.TEXT_DOCUMENT_DID_CHANGE, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(
        self, params: types.DidCloseTextDocumentParams
    ) -> Generator[Any, Any, None]:
        yield from self._user_handler(types.TEXT_DOCUMENT_DID_CLOSE, params)

    # -- receiving ------------------------------------------------------------------------

    def receive(self, frame: Frame | Oversized) -> None:
        """Handle one frame from the client: its message, or the errors it deserves."""
        if isinstance(frame, Oversized):
            self._refuse_oversized(frame)
            return
        for message in envelope.messages(frame.body):
            if isinstance(message, Refusal):
                self._refuse(message, frame.body)
            elif "method" not in message:
                self._receive_response(message)
            elif "id" in message:
                self._receive_request(message)
            else:
                self._receive_notification(message)

    def _receive_request(self, data: dict[str, Any]) -> None:
        msg_id, method = data["id"], data["method"]
        refusal = self._request_refusal(msg_id, method)
        if refusal is None:
            message_type = self.get_message_type(method) or JsonRPCRequestMessage
            try:
                message = self._converter.structure(data, message_type)
            except Exception as error:
                detail = f"Invalid params for {method}: {_invalid_params(error)}"
                refusal = Refusal(msg_id, INVALID_PARAMS, detail)
            else:
                if not hasattr(message, "id"):
                    refusal = Refusal(msg_id, INVALID_REQUEST, f"{method} is a notification")
                else:
                    self._initialize_received |= method == types.INITIALIZE
                    self._shutdown_received |= method == types.SHUTDOWN
                    self.handle_message(message)
                    return
        log.warning("refused request %s %r: %s", method, msg_id, refusal.message)
        self._send_error(refusal)

    def _request_refusal(self, msg_id: MsgId, method: str) -> Refusal | None:
        """Why the request cannot run now, as the error to answer it with; None if it can."""
        if self._shutdown_received:
            reason, code = "the server is shutting down (shutdown was received)", INVALID_REQUEST
        elif not self._initialize_received and method != types.INITIALIZE:
            reason, code = "the server is not initialized yet", SERVER_NOT_INITIALIZED
        elif self._initialize_received and method == types.INITIALIZE:
            reason, code = "the server is already initialized", INVALID_REQUEST
        elif not self._handles(method):
            return Refusal(msg_id, METHOD_NOT_FOUND, f"Method not found: {method}")
        elif msg_id in self._request_futures:
            reason, code = f"id {msg_id!r} belongs to a request still running", INVALID_REQUEST
        else:
            return None
        return Refusal(msg_id, code, f"{method} refused: {reason}")

    def _receive_notification(self, data: dict[str, Any]) -> None:
        method = data["method"]
        if method == types.EXIT:
            self.handle_message(JsonRPCNotification(method=method, jsonrpc="2.0", params=None))
            return
        if self._shutdown_received or not self._initialize_received:
            state = "after shutdown" if self._shutdown_received else "before initialize"
            log.info("dropped the %s notification: it came %s", method, state)
            return
        if not self._handles(method):
            log.log(
                logging.DEBUG if method.startswith("$/") else logging.INFO,
                "ignored the %s notification: no handler for it",
                method,
            )
            return
        try:
            message_type = self.get_message_type(method) or JsonRPCNotification
            message = self._converter.structure(data, message_type)
        except Exception as error:
            log.warning(
                "ignored the %s notification: invalid params: %s", method, _invalid_params(error)
            )
            return
        self.handle_message(message)

    def _receive_response(self, data: dict[str, Any]) -> None:
        """A response to one of our requests; one that does not fit its type fails the
        request (instead of leaving its caller waiting forever)."""
        msg_id = data["id"]
        message_type: Any = types.ResponseErrorMessage
        if "error" not in data:
            message_type = self._result_types.pop(msg_id, None) or JsonRPCResponseMessage
        try:
            message = self._converter.structure(data, message_type)
        except Exception as error:
            detail = f"unreadable response from the client: {_invalid_params(error)}"
            log.warning("request %r failed: %s", msg_id, detail)
            failure = types.ResponseError(code=INVALID_PARAMS, message=detail)
            self._handle_response(msg_id, None, failure)
            return
        self.handle_message(message)

    def _handles(self, method: str) -> bool:
        features = (self.fm.builtin_features, self.fm.features)
        return method == types.CANCEL_REQUEST or any(method in known for known in features)

    def _refuse(self, refusal: Refusal, body: bytes) -> None:
        log.warning("%s; the message began %r", refusal.message, body[:200])
        if refusal.answer:
            self._send_error(refusal)

    def _refuse_oversized(self, frame: Oversized) -> None:
        what = frame.method or "a message without a readable method"
        reason = (
            f"{frame.length} bytes ({frame.length / 2**20:.0f} MiB) is over the limit of "
            f"{MAX_MESSAGE_BYTES} bytes"
        )
        log.warning("refused %s (id %r): %s", what, frame.msg_id, reason)
        if frame.msg_id is not None and frame.method is not None:
            self._send_error(Refusal(frame.msg_id, INVALID_REQUEST, f"{what} refused: {reason}"))
            return
        lost = "; that document gets no diagnostics" if what.startswith("textDocument/") else ""
        message = f"peer-lsp ignored {what} from the editor: {reason}{lost}"
        self._server.window_show_message(
            types.ShowMessageParams(type=types.MessageType.Warning, message=message)
        )

    def _send_error(self, refusal: Refusal) -> None:
        error = {"code": refusal.code, "message": refusal.message}
        self._send_data({"jsonrpc": "2.0", "id": refusal.msg_id, "error": error})


def _invalid_params(error: BaseException) -> str:
    """What is wrong with a message, with its paths in the client's (camelCase) names."""
    details = transform_error(error) if isinstance(error, ClassValidationError) else [repr(error)]
    shown = "; ".join(_CAMEL.sub(lambda m: m.group(1).upper(), d) for d in details[:3])
    return shown + (f" (and {len(details) - 3} more)" if len(details) > 3 else "")
