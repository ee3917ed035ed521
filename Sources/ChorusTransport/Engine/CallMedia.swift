import ChorusCore
import NIOCore

/// How one transport carries a call's audio: how a frame goes on the wire and how what arrives becomes audio
/// events. Everything else about a call (its flow of turns, the frame grid, pacing, lifecycle, turn counting and
/// its report) is `CallEngine`'s, the same for every transport.
///
/// A media is the engine's generic parameter, so its per-frame calls are dispatched statically. It is confined to
/// its channel's event loop, and is passed the engine it serves on every call rather than keeping a reference.
protocol CallMedia: AnyObject {
    /// What the channel's pipeline delivers to the caller.
    associatedtype Inbound

    /// The length of one frame, ns (the frame grid's period).
    var frameNs: Int64 { get }
    /// The shape of each clip, for the call's flow.
    var clipShapes: [CallFlow.ClipShape] { get }
    /// Whether an error in the pipeline fails the call (a WebSocket's broken framing), rather than being left to the
    /// response timeout (an ICMP port-unreachable on UDP).
    var failsOnChannelError: Bool { get }
    /// Why the call ended when the channel closed under it ("connection closed by the agent").
    var closedReason: String { get }

    /// The channel is ready (handshake done): send what opens the call.
    func open(_ call: CallEngine<Self>) -> CallOpening
    /// Puts frame `frame` of clip `clip`, due at `deadlineNs`, on the wire (no flush).
    func sendClipFrame(clip: Int, frame: Int, deadlineNs: Int64, _ call: CallEngine<Self>)
    /// Puts one frame of silence, due at `deadlineNs`, on the wire (no flush).
    func sendSilence(deadlineNs: Int64, _ call: CallEngine<Self>)
    /// Tells the agent explicitly that the caller's turn `turn` has ended, when the transport can; true when it did.
    func sendEndOfTurn(turn: Int, deadlineNs: Int64, _ call: CallEngine<Self>) -> Bool
    /// Time-driven work after each frame slot (control messages owed, reports); true when it wrote something.
    func tick(nowNs: Int64, _ call: CallEngine<Self>) -> Bool
    /// A pacing tick begins: the frames it sends follow the flow's decisions. A media whose per-packet state sits
    /// in memory last used a period ago (a thousand calls' worth of other state since) asks the CPU for it here, so
    /// that the wait overlaps the flow's work instead of stalling the first write.
    func prefetchForSending()
    /// Handles one unit from the agent that arrived at `arrivalNs`, `downDelayNs` after it reached the socket (the
    /// delay an impaired link added), counting the media frames among them in `call.stats.framesReceived`.
    func receive(_ unit: Inbound, arrivalNs: Int64, downDelayNs: Int64, _ call: CallEngine<Self>)
    /// Flushes what was written (the engine's flush; a media may flush from closer to the socket).
    func flush(_ call: CallEngine<Self>)
    /// Sends the transport's goodbye; returns how long to wait for the agent's answer before closing.
    func hangUp(_ call: CallEngine<Self>) -> TimeAmount
    /// One or more turns have just finished (the last is `call.flow.turns.last`): complete them with what only
    /// the transport knows.
    func turnsFinished(_ call: CallEngine<Self>)
    /// The media's per-direction statistics for the call's report.
    func networkStats(_ call: CallEngine<Self>) -> [NetworkStats]
    /// The agent's media clock against ours over the call, ppm (+ fast); nil when the media cannot tell.
    func clockDriftPpm(_ call: CallEngine<Self>) -> Double?
    /// The channel has closed: nothing may be written to its socket any more, except through the pipeline.
    func channelClosed(_ call: CallEngine<Self>)
}

extension CallMedia {
    func sendEndOfTurn(turn: Int, deadlineNs: Int64, _ call: CallEngine<Self>) -> Bool { false }
    func turnsFinished(_ call: CallEngine<Self>) {}
    func clockDriftPpm(_ call: CallEngine<Self>) -> Double? { nil }
    func flush(_ call: CallEngine<Self>) { call.context?.flush() }
    func channelClosed(_ call: CallEngine<Self>) {}
    func prefetchForSending() {}
}

/// How a call begins once its channel is ready.
enum CallOpening {
    /// Stream on the frame grid at once.
    case stream
    /// Wait for the agent to confirm the session first (`CallEngine.agentReady`), up to the response timeout.
    case waitForAgent
    /// The call cannot go on (already decided by the flow): hang up.
    case hangUp
}
