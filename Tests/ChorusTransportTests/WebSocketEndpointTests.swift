import ChorusTransport
import Testing

@Suite("Endpoint URLs")
struct WebSocketEndpointTests {
    @Test func parsesHostPortAndPath() throws {
        let e = try #require(WebSocketEndpoint(url: "ws://127.0.0.1:8765/agent?x=1"))
        #expect(e.host == "127.0.0.1" && e.port == 8765 && e.path == "/agent?x=1" && !e.isTLS)
        let d = try #require(WebSocketEndpoint(url: "wss://example.com"))
        #expect(d.port == 443 && d.path == "/" && d.isTLS)
        let v6 = try #require(WebSocketEndpoint(url: "ws://[::1]:9000/"))
        #expect(v6.host == "::1" && v6.port == 9000)
    }

    @Test(arguments: ["http://x", "ws://", "ws://host:99999/", "ws://host:abc/"])
    func rejectsNonWebSocketURLs(url: String) {
        #expect(WebSocketEndpoint(url: url) == nil)
    }
}
