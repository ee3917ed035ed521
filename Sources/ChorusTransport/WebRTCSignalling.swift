import ChorusCore
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// How a WebRTC caller exchanges its SDP offer for the agent's answer (`target.signalling`), and ends the session.
public struct WebRTCSignalling: Sendable {
    /// The signalling styles Chorus speaks.
    public enum Style: String, Sendable, Hashable, Codable, CaseIterable {
        /// RFC 9725: POST `application/sdp`, `201 Created` with the answer and a `Location`, DELETE at hang-up.
        case whip
        /// Pipecat's SmallWebRTC transport: POST JSON `{sdp, type}`, answer `{sdp, type, pc_id}`.
        case pipecat
    }

    /// Why signalling gave no usable answer, with the session outcome it means.
    public struct Failure: Error, Sendable {
        public var outcome: Outcome
        public var description: String
    }

    public var style: Style
    /// The WHIP endpoint or Pipecat's offer URL.
    public var endpoint: HTTPExchange.Target
    /// Extra request headers (`Authorization: Bearer …` from `target.headers` or `target.token`).
    public var headers: [(String, String)]
    /// For `https://` endpoints.
    public var tls: NIOSSLContext?

    public init(style: Style, endpoint: HTTPExchange.Target, headers: [(String, String)] = [], tls: NIOSSLContext? = nil) {
        self.style = style
        self.endpoint = endpoint
        self.headers = headers
        self.tls = tls
    }

    /// Verifies `https://` endpoints against `caFile` (or the system's roots), or not at all when `insecure`.
    public mutating func useTLS(caFile: String?, insecure: Bool) throws {
        self.tls = try WebSocketClientOptions.tlsContext(caFile: caFile, insecure: insecure)
    }

    /// Sends `offer` and returns the answer's SDP and, for WHIP, the session resource to DELETE at hang-up.
    public func exchange(offer: String, sessionId: String, on loop: any EventLoop, timeout: TimeAmount)
        async -> Result<(answer: String, resource: HTTPExchange.Target?), Failure>
    {
        var headers = self.headers
        // Lets the reference agent file its ground truth under this call's id; real agents ignore it.
        headers.append(("X-Chorus-Session", sessionId))
        let body: String
        switch self.style {
        case .whip:
            headers.append(("Content-Type", "application/sdp"))
            headers.append(("Accept", "application/sdp"))
            body = offer
        case .pipecat:
            headers.append(("Content-Type", "application/json"))
            let object: [String: String] = ["sdp": offer, "type": "offer"]
            guard let data = try? JSONSerialization.data(withJSONObject: object), let text = String(data: data, encoding: .utf8)
            else { return .failure(Failure(outcome: .protocolError, description: "cannot encode the offer as JSON")) }
            body = text
        }
        let response: HTTPExchange.Response
        do {
            response = try await HTTPExchange.send(
                .POST, to: self.endpoint, headers: headers, body: body, tls: self.tls, on: loop, timeout: timeout)
        } catch {
            return .failure(Failure(outcome: .connectFailed, description: "signalling POST to \(self.endpoint) failed: \(error)"))
        }
        guard (200..<300).contains(response.status.code) else {
            return .failure(Failure(outcome: .rejected, description: "signalling refused the offer: \(response.summary())"))
        }
        switch self.style {
        case .whip:
            guard response.body.hasPrefix("v=") else {
                return .failure(Failure(
                    outcome: .protocolError,
                    description: "the WHIP answer is not SDP (\(response.summary(limit: 120)))"))
            }
            let resource = response.headers.first(name: "Location").flatMap { self.endpoint.resolving($0) }
            return .success((response.body, resource))
        case .pipecat:
            guard let data = response.body.data(using: .utf8),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let sdp = object["sdp"] as? String
            else {
                return .failure(Failure(
                    outcome: .protocolError,
                    description: "the offer endpoint's answer is not JSON with an \"sdp\" string (\(response.summary(limit: 120)))"))
            }
            return .success((sdp, nil))
        }
    }

    /// Ends a WHIP session (DELETE its resource); errors are ignored: the call is over either way.
    public func hangUp(resource: HTTPExchange.Target, on loop: any EventLoop) async {
        _ = try? await HTTPExchange.send(.DELETE, to: resource, headers: self.headers, tls: self.tls, on: loop, timeout: .seconds(2))
    }
}
