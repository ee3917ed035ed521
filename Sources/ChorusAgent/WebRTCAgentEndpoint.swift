import ChorusCore
import ChorusWebRTC
import ChorusWebRTCNIO
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// The reference agent over WebRTC: an HTTP signalling server and, per call, a UDP socket of its own with ICE-lite,
/// DTLS and SRTP in front of the same RTP agent as `RTPAgentEndpoint` (same scripted latency, same ground truth,
/// keyed by the caller's RTCP CNAME).
///
/// Signalling (docs/agent.md):
/// - WHIP (RFC 9725): `POST /whip` with `application/sdp` → `201 Created`, the answer and `Location: /whip/<id>`;
///   `DELETE /whip/<id>` ends the call.
/// - Pipecat SmallWebRTC: `POST /api/offer` with JSON `{sdp, type}` → `{sdp, type: "answer", pc_id}`.
/// The agent answers as an ICE-lite endpoint. Its DTLS role follows the offer; for `actpass` it is the DTLS client
/// (`a=setup:active`, as aiortc and Pipecat answer) unless the URL asks `?setup=passive`.
public final class WebRTCAgentEndpoint: Sendable {
    public let behavior: AgentBehavior
    public let truth: TruthLog
    private let clips: RTPReplyClips
    private let group: any EventLoopGroup
    private let state = NIOLockedValueBox<State>(State())

    private struct State {
        var server: (any Channel)?
        var calls: [String: any Channel] = [:]
        var opened = 0
    }

    /// - Throws: `AudioError` when the Opus encoder fails building the reply packets.
    public init(behavior: AgentBehavior, replies: ReplyLibrary, truth: TruthLog, group: any EventLoopGroup) throws {
        self.behavior = behavior
        self.truth = truth
        self.clips = try RTPReplyClips(replies: replies)
        self.group = group
    }

    /// Starts the signalling server on `host:port` (0: the kernel's choice); call sockets bind to `host` too.
    /// Returns the bound port.
    public func start(host: String = "127.0.0.1", port: Int = 0) async throws -> Int {
        let channel = try await ServerBootstrap(group: self.group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.configureHTTPServerPipeline()
                    try pipeline.addHandler(NIOHTTPServerRequestAggregator(maxContentLength: 1 << 20))
                    try pipeline.addHandler(WebRTCSignallingServer(endpoint: self, host: host))
                }
            }
            .bind(host: host, port: port).get()
        self.state.withLockedValue { $0.server = channel }
        return channel.localAddress?.port ?? port
    }

    /// Closes the signalling server and every call.
    public func stop() async {
        let (server, calls) = self.state.withLockedValue { state in
            defer {
                state.server = nil
                state.calls = [:]
            }
            return (state.server, Array(state.calls.values))
        }
        for call in calls { try? await call.close() }
        try? await server?.close()
    }

    /// Calls open now.
    public var callCount: Int { self.state.withLockedValue { $0.calls.count } }

    /// Answers one offer: binds the call's socket, writes the answer and starts serving. Returns the call's id and
    /// the answer, or the reason the offer cannot be answered (for HTTP 400).
    func answer(offer: String, host: String, preferredRole: SDPNegotiatedAudio.DTLSRole) async -> Result<(id: String, sdp: String), AnswerFailure> {
        let loop = self.group.next()
        let (behavior, clips, truth) = (self.behavior, self.clips, self.truth)
        let credentials = ICECredentials.random()
        let id = self.state.withLockedValue { state -> String in
            state.opened += 1
            return String(format: "%08x", state.opened) + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        }
        let channel: any Channel
        do {
            channel = try await DatagramBootstrap(group: loop).bind(host: host, port: 0).get()
        } catch {
            return .failure(AnswerFailure(description: "cannot open a UDP socket: \(error)", status: .internalServerError))
        }
        let port = channel.localAddress?.port ?? 0
        let candidateHost = channel.localAddress?.ipAddress ?? host
        let answered = SDPAnswer.answer(
            offer: offer, iceUfrag: credentials.ufrag, icePassword: credentials.password,
            fingerprint: DTLSCertificate.shared.fingerprint, preferredRole: preferredRole,
            candidate: SDPCandidate.host(foundation: "1", address: candidateHost, port: port),
            ssrc: UInt32.random(in: 1...UInt32.max), cname: "chorus-agent-\(id)", sessionID: UInt64.random(in: 1...UInt64.max))
        guard case .success(let answer) = answered else {
            try? await channel.close()
            if case .failure(let error) = answered {
                return .failure(AnswerFailure(description: "cannot answer the offer: \(error)", status: .badRequest))
            }
            return .failure(AnswerFailure(description: "cannot answer the offer", status: .badRequest))
        }
        let negotiated = answer.negotiated
        do {
            try await loop.submit {
                let ice = ICELiteConnectivity(ICELiteResponder(local: credentials, remoteUfrag: negotiated.remoteICEUfrag))
                let dtls = try DTLSEndpoint(role: negotiated.dtlsRole, remoteFingerprints: negotiated.remoteFingerprints)
                let pipeline = channel.pipeline.syncOperations
                try pipeline.addHandler(WebRTCSecureHandler(ice: ice, dtls: dtls, ready: nil))
                try pipeline.addHandler(RTPAgentHandler(behavior: behavior, clips: clips, truth: truth))
            }.get()
        } catch {
            try? await channel.close()
            return .failure(AnswerFailure(description: "cannot start DTLS: \(error)", status: .internalServerError))
        }
        self.state.withLockedValue { $0.calls[id] = channel }
        channel.closeFuture.whenComplete { [self] _ in
            _ = self.state.withLockedValue { $0.calls.removeValue(forKey: id) }
        }
        // A call whose caller never finishes ICE and DTLS, or goes silent without a goodbye, is closed: the
        // RTP agent above forgets a session after 30 s without packets, and so does the socket.
        Self.closeWhenIdle(channel, loop: loop)
        return .success((id, answer.sdp))
    }

    /// Ends the call `id` (WHIP DELETE); false when there is none.
    func end(id: String) -> Bool {
        guard let channel = self.state.withLockedValue({ $0.calls.removeValue(forKey: id) }) else { return false }
        channel.close(promise: nil)
        return true
    }

    private static func closeWhenIdle(_ channel: any Channel, loop: any EventLoop) {
        loop.scheduleTask(in: .seconds(10)) {
            guard channel.isActive else { return }
            let secure = try? channel.pipeline.syncOperations.handler(type: WebRTCSecureHandler.self)
            let idleNs = secure.map { Int64(NIODeadline.now().uptimeNanoseconds) - $0.lastReceivedNs } ?? .max
            if secure?.isConnected != true || idleNs > RTPAgentHandler.idleTimeoutNs {
                channel.close(promise: nil)
            } else {
                Self.closeWhenIdle(channel, loop: loop)
            }
        }
    }

    /// Why an offer got no answer.
    struct AnswerFailure: Error {
        var description: String
        var status: HTTPResponseStatus
    }
}

/// Serves WHIP and Pipecat offers for a `WebRTCAgentEndpoint`, one request at a time per connection.
private final class WebRTCSignallingServer: ChannelInboundHandler {
    typealias InboundIn = NIOHTTPServerRequestFull
    typealias OutboundOut = HTTPServerResponsePart

    private let endpoint: WebRTCAgentEndpoint
    private let host: String

    init(endpoint: WebRTCAgentEndpoint, host: String) {
        self.endpoint = endpoint
        self.host = host
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let request = self.unwrapInboundIn(data)
        let uri = request.head.uri
        let path = uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? uri
        let query = uri.contains("?") ? String(uri[uri.index(after: uri.firstIndex(of: "?")!)...]) : ""
        let setup = query.split(separator: "&").first { $0.hasPrefix("setup=") }.map { String($0.dropFirst(6)) }
        let role: SDPNegotiatedAudio.DTLSRole = setup == "passive" ? .server : .client
        var body = request.body ?? ByteBuffer()
        let text = body.readString(length: body.readableBytes) ?? ""
        // A server listening on every interface binds each call to, and announces, the address this request came
        // in on: the one the caller can reach (never 0.0.0.0 as a candidate).
        let unspecified = self.host == "0.0.0.0" || self.host == "::"
        let host = unspecified ? (context.channel.localAddress?.ipAddress ?? self.host) : self.host
        let endpoint = self.endpoint
        switch (request.head.method, path) {
        case (.POST, "/whip"):
            let answered = context.eventLoop.makeFutureWithTask {
                await endpoint.answer(offer: text, host: host, preferredRole: role)
            }
            answered.assumeIsolated().whenSuccess { result in
                switch result {
                case .success(let answer):
                    Self.respond(
                        context, .created, body: answer.sdp,
                        headers: [("Content-Type", "application/sdp"), ("Location", "/whip/\(answer.id)"), ("ETag", "\"\(answer.id)\"")])
                case .failure(let failure):
                    Self.respond(context, failure.status, body: failure.description)
                }
            }
        case (.POST, "/api/offer"):
            guard let data = text.data(using: .utf8),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let sdp = object["sdp"] as? String
            else {
                Self.respond(context, .badRequest, body: "expected JSON {\"sdp\": \"...\", \"type\": \"offer\"}")
                return
            }
            let answered = context.eventLoop.makeFutureWithTask {
                await endpoint.answer(offer: sdp, host: host, preferredRole: role)
            }
            answered.assumeIsolated().whenSuccess { result in
                switch result {
                case .success(let answer):
                    let json = (try? JSONSerialization.data(withJSONObject: ["sdp": answer.sdp, "type": "answer", "pc_id": answer.id]))
                        .flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
                    Self.respond(context, .ok, body: json, headers: [("Content-Type", "application/json")])
                case .failure(let failure):
                    Self.respond(context, failure.status, body: failure.description)
                }
            }
        case (.DELETE, _) where path.hasPrefix("/whip/"):
            let found = endpoint.end(id: String(path.dropFirst(6)))
            Self.respond(context, found ? .ok : .notFound, body: found ? "" : "no such session")
        case (.PATCH, _):
            // Trickle ICE is optional (RFC 9725 §4.3.1): the answer carries the agent's only candidate.
            Self.respond(context, .methodNotAllowed, body: "trickle ICE is not supported", headers: [("Allow", "POST, DELETE")])
        default:
            Self.respond(context, .notFound, body: "no WebRTC signalling at \(request.head.method) \(path) (try POST /whip or POST /api/offer)")
        }
    }

    private static func respond(
        _ context: ChannelHandlerContext, _ status: HTTPResponseStatus, body: String, headers: [(String, String)] = []
    ) {
        var head = HTTPResponseHead(version: .http1_1, status: status)
        head.headers.add(name: "Content-Length", value: "\(body.utf8.count)")
        if !headers.contains(where: { $0.0 == "Content-Type" }) {
            head.headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        }
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        context.write(NIOAny(HTTPServerResponsePart.head(head)), promise: nil)
        var buffer = context.channel.allocator.buffer(capacity: body.utf8.count)
        buffer.writeString(body)
        context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(buffer))), promise: nil)
        context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)), promise: nil)
    }
}

@available(*, unavailable)
extension WebRTCSignallingServer: Sendable {}
