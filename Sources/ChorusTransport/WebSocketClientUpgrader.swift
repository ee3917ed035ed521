import NIOCore
import NIOHTTP1
import NIOWebSocket

/// The caller's side of the WebSocket upgrade. NIO's client upgrader does the handshake (the key it sends, the
/// `Sec-WebSocket-Accept` it expects back); once upgraded, this adds NIO's frame encoder alone before handing the
/// channel to `upgradePipelineHandler`. The caller reads frames itself (`WebSocketMessageReader`), and NIO's frame
/// decoder, once added, cannot leave the pipeline before the upgrade's leftover bytes reach it.
struct WebSocketClientUpgrader<UpgradeResult: Sendable>: NIOTypedHTTPClientProtocolUpgrader {
    private let handshake: NIOTypedWebSocketClientUpgrader<UpgradeResult>
    private let upgradePipelineHandler: @Sendable (any Channel, HTTPResponseHead) -> EventLoopFuture<UpgradeResult>

    /// - Parameter upgradePipelineHandler: adds the caller's handlers to the upgraded channel, encoder in place.
    init(upgradePipelineHandler: @escaping @Sendable (any Channel, HTTPResponseHead) -> EventLoopFuture<UpgradeResult>) {
        self.handshake = NIOTypedWebSocketClientUpgrader(upgradePipelineHandler: { channel, _ in
            channel.eventLoop.makeFailedFuture(ChannelError.inappropriateOperationForState)  // never upgrades
        })
        self.upgradePipelineHandler = upgradePipelineHandler
    }

    var supportedProtocol: String { self.handshake.supportedProtocol }
    var requiredUpgradeHeaders: [String] { self.handshake.requiredUpgradeHeaders }

    func addCustom(upgradeRequestHeaders: inout HTTPHeaders) {
        self.handshake.addCustom(upgradeRequestHeaders: &upgradeRequestHeaders)
    }

    func shouldAllowUpgrade(upgradeResponse: HTTPResponseHead) -> Bool {
        self.handshake.shouldAllowUpgrade(upgradeResponse: upgradeResponse)
    }

    func upgrade(channel: any Channel, upgradeResponse: HTTPResponseHead) -> EventLoopFuture<UpgradeResult> {
        do {
            try channel.pipeline.syncOperations.addHandler(WebSocketFrameEncoder())
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return self.upgradePipelineHandler(channel, upgradeResponse)
    }
}
