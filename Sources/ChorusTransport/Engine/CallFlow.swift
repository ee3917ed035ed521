import ChorusCore

/// The caller's side of a conversation as a state machine, apart from any socket: speak an utterance, keep
/// streaming silence while the agent answers, think, speak the next one, hang up.
///
/// Transports drive it once per 20 ms frame slot (`nextFrame`) and with what they receive; it decides what goes on
/// the wire and measures every turn with a `TurnMeter`. Pure, so it is tested without I/O.
public struct CallFlow: Sendable {
    /// What one clip looks like to the flow.
    public struct ClipShape: Sendable {
        public var name: String
        public var frameCount: Int
        /// The frame holding the last speech sample: its send instant is t_eos.
        public var lastSpeechFrame: Int
        /// The frame holding the first speech sample: its send instant starts an interruption (barge-in).
        public var firstSpeechFrame: Int

        public init(name: String, frameCount: Int, lastSpeechFrame: Int, firstSpeechFrame: Int = 0) {
            self.name = name
            self.frameCount = frameCount
            self.lastSpeechFrame = lastSpeechFrame
            self.firstSpeechFrame = min(firstSpeechFrame, lastSpeechFrame)
        }
    }

    /// What to put on the wire in a frame slot.
    public enum FrameAction: Sendable, Equatable {
        /// Frame `frame` of clip `clip`; `isEndOfSpeech` when it holds the last speech sample (stamp t_eos after sending).
        case clip(clip: Int, frame: Int, isEndOfSpeech: Bool, turn: Int)
        case silence
        /// The call is over: hang up (after sending nothing more).
        case hangUp
        /// Nothing to send (not started, or already hanging up).
        case none
    }

    private enum Phase: Sendable {
        case idle
        case speaking(turn: Int, frame: Int)
        case awaiting(turn: Int)
        case thinking(nextTurn: Int, untilNs: Int64)
        case hangingUp
    }

    public let plan: SessionPlan
    private let clips: [ClipShape]
    private var phase: Phase = .idle
    private var meter: TurnMeter?
    private var resumeAfterClip: (nextTurn: Int, untilNs: Int64)?
    private var hangUpAfterClip = false
    /// The highest agent response number heard so far (−1: none).
    private var highestOrdinal = -1
    /// Response numbers for streams without markers, split on silence.
    private var silenceOrdinal = -1
    private var lastAudioEndNs = Int64.min
    /// Added to marker numbers when a dialect starts marking after some responses were split on silence (Twilio
    /// before its first mark), so numbers keep growing across the switch.
    private var markerBase: Int?
    /// Finished turns that heard a response: the first response number each claimed and its index in `turns`.
    private var claims: [(ordinal: Int, turn: Int)] = []
    /// The latest scripted interruption: which answer it cut into and what arrived of it after.
    private var bargeIn: BargeInTracker?
    /// Finished turns, in order.
    public private(set) var turns: [TurnResult] = []
    /// How the session is going; `ok` until something fails.
    public private(set) var outcome: Outcome = .ok
    public private(set) var error: String?

    public init(plan: SessionPlan, clips: [ClipShape]) {
        self.plan = plan
        self.clips = clips
    }

    /// Begins the first turn; false when the plan has no turns (hang up at once).
    public mutating func start() -> Bool {
        guard case .idle = self.phase, !self.plan.turnClips.isEmpty else { return false }
        self.phase = .speaking(turn: 0, frame: 0)
        return true
    }

    /// Whether the call has started and not yet hung up.
    public var isActive: Bool {
        switch self.phase {
        case .idle, .hangingUp: return false
        default: return true
        }
    }

    /// Whether the flow has decided to hang up.
    public var isHangingUp: Bool {
        if case .hangingUp = self.phase { return true }
        return false
    }

    /// Whether received audio is being measured and no audible frame has come yet (only then is a level needed).
    public var wantsLevel: Bool { self.meter?.isAwaitingResponse == true && self.meter?.hasAudible == false }

    /// Whether the current turn has sent its end of speech and now measures the agent's answer.
    public var isAwaitingResponse: Bool { self.meter?.isAwaitingResponse ?? false }

    /// The turn being measured, if any.
    public var currentMeter: TurnMeter? { self.meter }

    /// Whether the frame just sent started interrupting speech: the transport stamps its actual send with
    /// `bargeInSpeechSent(actualNs:)`.
    public private(set) var isStampingSpeechStart = false

    // MARK: - Sending

    /// Decides the frame due at `deadlineNs` and moves the flow on.
    public mutating func nextFrame(deadlineNs: Int64) -> FrameAction {
        switch self.phase {
        case .speaking(let turn, let index):
            let clipIndex = self.plan.turnClips[turn]
            let clip = self.clips[clipIndex]
            if index == 0 {
                self.meter = TurnMeter(turnIndex: turn, utterance: clip.name, stallThresholdNs: self.plan.stallThresholdNs)
            }
            if index == clip.firstSpeechFrame, var b = self.bargeIn, b.turn == turn, b.startNs == nil {
                b.startNs = deadlineNs
                self.bargeIn = b
                self.isStampingSpeechStart = true
            }
            if index + 1 < clip.frameCount {
                self.phase = .speaking(turn: turn, frame: index + 1)
            } else if let resume = self.resumeAfterClip {
                self.resumeAfterClip = nil
                self.phase = .thinking(nextTurn: resume.nextTurn, untilNs: resume.untilNs)
            } else if self.hangUpAfterClip {
                self.phase = .hangingUp
            } else {
                self.phase = .awaiting(turn: turn)
            }
            return .clip(clip: clipIndex, frame: index, isEndOfSpeech: index == clip.lastSpeechFrame, turn: turn)
        case .awaiting(let turn):
            self.checkTimeouts(turn: turn, nowNs: deadlineNs)
            if case .awaiting = self.phase, self.bargeInIsDue(after: turn, nowNs: deadlineNs) {
                self.interruptAnswer(of: turn)
                return self.nextFrame(deadlineNs: deadlineNs)
            }
            return self.isHangingUp ? .hangUp : .silence
        case .thinking(let next, let untilNs):
            if deadlineNs >= untilNs {
                self.phase = .speaking(turn: next, frame: 0)
                return self.nextFrame(deadlineNs: deadlineNs)
            }
            return .silence
        case .hangingUp:
            return .hangUp
        case .idle:
            return .none
        }
    }

    /// Stamps t_eos: the frame holding the last speech sample was handed to the kernel at `actualNs`.
    /// - Parameter upDelayNs: what the impaired link added to that frame (nil: it dropped it; 0: no impairment).
    public mutating func endOfSpeechSent(actualNs: Int64, intendedNs: Int64, upDelayNs: Int64? = 0) {
        self.meter?.endOfSpeech(
            actualNs: actualNs, intendedNs: intendedNs, upDelayNs: upDelayNs, floorOrdinal: self.highestOrdinal + 1)
    }

    /// An explicit end-of-turn message sent after the last speech frame is what tells the agent; the link delayed
    /// it by `upDelayNs` (nil: dropped).
    public mutating func endOfSpeechCarried(upDelayNs: Int64?) {
        self.meter?.endOfSpeechCarried(upDelayNs: upDelayNs)
    }

    // MARK: - Receiving

    /// Counts agent audio received at `atNs` and attributes it to the agent response it belongs to.
    ///
    /// A turn's answer is the first response that began after its end of speech could have reached the agent:
    /// audio of a response an earlier turn heard is late audio of that turn; audio of one begun while this turn was
    /// spoken, or arriving sooner after its end of speech than the link allows, is this turn's early audio; neither
    /// is ever this turn's first audio (docs/metrics.md).
    /// - Parameters:
    ///   - response: the response's number from the agent's markers (dialect or RTP talkspurt), or nil when the
    ///     stream has none: a response then begins after more than `responseEndSilenceNs` without audio.
    ///   - endIsMarked: whether the agent marks the end of this response (then silence never ends the turn).
    ///   - downDelayNs: what the impaired link added to this frame.
    ///   - isResponseStart: false when the transport knows this is not the response's first frame.
    public mutating func audio(
        atNs: Int64, durationNs: Int64, audible: Bool, response: Int? = nil, endIsMarked: Bool = false,
        downDelayNs: Int64 = 0, isResponseStart: Bool = true
    ) {
        let ordinal: Int
        if let response {
            if self.markerBase == nil { self.markerBase = max(0, self.silenceOrdinal - response) }
            ordinal = response + self.markerBase!
        } else {
            if self.silenceOrdinal < 0 || atNs - self.lastAudioEndNs > self.plan.responseEndSilenceNs {
                self.silenceOrdinal += 1
            }
            ordinal = self.silenceOrdinal
        }
        self.lastAudioEndNs = max(self.lastAudioEndNs, atNs) + durationNs
        defer { self.highestOrdinal = max(self.highestOrdinal, ordinal) }
        if var b = self.bargeIn, ordinal == b.ordinal, let start = b.startNs, atNs >= start {
            // The interrupted answer still arriving after the interrupting speech began: leaked audio.
            b.lastAudioNs = atNs
            b.leakedNs += durationNs
            self.bargeIn = b
            self.recordBargeIn()
            return
        }
        // The meter is changed where it lies (`self.meter?.…`): taken out and put back, it was copied, its strings
        // retained, for every packet received.
        if self.meter?.isAwaitingResponse == true, let floor = self.meter?.floorOrdinal, ordinal >= floor {
            // A response whose first audio arrives sooner after the end of speech than the link allows began before
            // the agent could have heard it (its VAD cut the utterance short): early audio, not the answer.
            if self.meter?.responseOrdinal == nil, let earlyBelow = self.meter?.earlyBelowOrdinal,
                ordinal >= earlyBelow, let intended = self.meter?.eosIntendedNs, atNs - intended < self.plan.ttfaFloorNs
            {
                self.meter?.skipEarly(response: ordinal)
            }
            if let earlyBelow = self.meter?.earlyBelowOrdinal, ordinal < earlyBelow {
                self.meter?.earlyAudio(durationNs: durationNs)
                return
            }
            self.meter?.claim(response: ordinal, endIsMarked: endIsMarked)
            self.meter?.audio(
                atNs: atNs, durationNs: durationNs, audible: audible, downDelayNs: downDelayNs,
                isResponseStart: isResponseStart)
            return
        }
        if self.meter != nil, ordinal > (self.claims.last?.ordinal ?? -1) {
            // A response no finished turn heard, begun while this turn was spoken (a greeting, or an answer to part
            // of the utterance): the agent talked over the caller.
            self.meter?.earlyAudio(durationNs: durationNs)
            return
        }
        self.lateAudio(ordinal: ordinal, durationNs: durationNs)
    }

    /// Audio of a response an earlier turn heard: counted on the latest finished turn whose answer began at or
    /// before it.
    private mutating func lateAudio(ordinal: Int, durationNs: Int64) {
        let owner = self.claims.last(where: { $0.ordinal <= ordinal })?.turn ?? (self.turns.isEmpty ? nil : self.turns.count - 1)
        guard let owner else { return }
        self.turns[owner].lateAudioMs += Double(durationNs) / 1e6
    }

    /// The agent said response `response` is complete (nil: the dialect does not number responses).
    ///
    /// Ends the turn in progress only when that response can be its answer: the end of an earlier response arriving
    /// late is ignored.
    public mutating func responseEnded(atNs nowNs: Int64, response: Int? = nil) {
        if let response, var b = self.bargeIn, response + (self.markerBase ?? 0) == b.ordinal, let start = b.startNs,
            nowNs >= start, b.stopSignalNs == nil
        {
            b.stopSignalNs = nowNs
            self.bargeIn = b
            self.recordBargeIn()
            return
        }
        guard let meter = self.meter, meter.isAwaitingResponse else { return }
        if let response, response + (self.markerBase ?? 0) < meter.earlyBelowOrdinal { return }
        self.completeTurn(meter.turnIndex, nowNs: nowNs)
    }

    /// The run asked the call to stop: the turn in progress is kept as `interrupted`.
    public mutating func interrupt() {
        self.finishTurn(.interrupted)
        if self.outcome == .ok { self.outcome = .interrupted }
        self.phase = .hangingUp
    }

    /// Something went wrong: the turn in progress ends with `outcome`, and so does the session.
    public mutating func fail(_ outcome: Outcome, _ message: String) {
        self.finishTurn(outcome)
        if self.outcome == .ok || self.outcome == .interrupted {
            self.outcome = outcome
            self.error = message
        }
        self.phase = .hangingUp
    }

    /// The connection ended; unless the flow was hanging up, the call was dropped.
    public mutating func connectionClosed(reason: String) {
        if !self.isHangingUp { self.fail(.dropped, reason) }
        self.phase = .hangingUp
    }

    // MARK: - Turns

    private mutating func checkTimeouts(turn: Int, nowNs: Int64) {
        // Read where it lies, not copied out: this runs on every tick while an answer is awaited.
        guard let eos = self.meter?.eosNs else { return }
        guard self.meter?.firstAudioNs != nil else {
            if nowNs - eos > self.plan.responseTimeoutNs {
                self.finishTurn(.noResponse)
                self.advance(after: turn, resumeNs: nowNs)
            }
            return
        }
        let silentNs = nowNs - (self.meter?.playoutEndNs ?? 0)
        if self.meter?.responseEndIsMarked == true {
            // The agent will say when its answer is over; a stall (TCP holding the rest back) is not the end. Only a
            // silence as long as the response timeout without that marker gives up.
            if silentNs > self.plan.responseTimeoutNs {
                self.finishTurn(.timeout)
                self.advance(after: turn, resumeNs: nowNs)
            }
        } else if silentNs > self.plan.responseEndSilenceNs {
            // No end marker, but the agent has been silent long enough: its answer is over.
            self.completeTurn(turn, nowNs: nowNs)
        } else if nowNs - eos > self.plan.responseTimeoutNs {
            self.finishTurn(.timeout)
            self.advance(after: turn, resumeNs: nowNs)
        }
    }

    private mutating func completeTurn(_ turn: Int, nowNs: Int64) {
        let playoutEnd = self.meter?.playoutEndNs ?? nowNs
        // An answer that ended without any audio was no spoken answer.
        self.finishTurn(self.meter?.firstAudioNs == nil ? .noResponse : .ok)
        self.advance(after: turn, resumeNs: max(nowNs, playoutEnd))
    }

    private mutating func advance(after turn: Int, resumeNs: Int64) {
        var stillSpeaking = false
        if case .speaking = self.phase { stillSpeaking = true }
        if turn + 1 < self.plan.turnClips.count {
            let until = resumeNs + self.plan.thinkNs[turn]
            if stillSpeaking {
                self.resumeAfterClip = (turn + 1, until)
            } else {
                self.phase = .thinking(nextTurn: turn + 1, untilNs: until)
            }
        } else if stillSpeaking {
            self.hangUpAfterClip = true
        } else {
            self.phase = .hangingUp
        }
    }

    private mutating func finishTurn(_ outcome: Outcome) {
        guard let meter = self.meter else { return }
        self.meter = nil
        if let ordinal = meter.responseOrdinal { self.claims.append((ordinal, self.turns.count)) }
        self.turns.append(meter.result(outcome: outcome, originNs: self.plan.originNs))
        if self.bargeIn?.turn == meter.turnIndex { self.recordBargeIn() }
        // A call in which the agent never answered any turn is a no_response call, not an ok one.
        if self.outcome == .ok, self.turns.count == self.plan.turnClips.count,
            self.turns.allSatisfy({ $0.outcome == .noResponse })
        {
            self.outcome = .noResponse
            self.error = "the agent sent no audio in any turn"
        }
    }

    // MARK: - Barge-in

    /// What the caller saw of one scripted interruption.
    private struct BargeInTracker: Sendable {
        /// The interrupting turn (its index in `turns` once finished).
        var turn: Int
        /// The interrupted answer's response number.
        var ordinal: Int
        /// When the interrupting speech started (the send of its first speech frame).
        var startNs: Int64?
        /// The arrival of the last frame of the interrupted answer received after that.
        var lastAudioNs: Int64?
        /// Audio of the interrupted answer received after that.
        var leakedNs: Int64 = 0
        /// When the agent said the interrupted answer was over, if its dialect says so.
        var stopSignalNs: Int64?
    }

    /// Whether the turn after `turn` is a scripted interruption and its moment has come: `after` past the first
    /// audio of `turn`'s answer, which is still arriving.
    private func bargeInIsDue(after turn: Int, nowNs: Int64) -> Bool {
        guard let after = self.plan.bargeInAfter(turn: turn + 1), let meter = self.meter, meter.turnIndex == turn,
            let first = meter.firstAudioNs, meter.responseOrdinal != nil
        else { return false }
        return nowNs >= first + after
    }

    /// Ends `turn` while its answer is still arriving and starts speaking the interrupting turn over it.
    private mutating func interruptAnswer(of turn: Int) {
        guard let ordinal = self.meter?.responseOrdinal else { return }
        self.finishTurn(.ok)
        self.bargeIn = BargeInTracker(turn: turn + 1, ordinal: ordinal)
        self.phase = .speaking(turn: turn + 1, frame: 0)
    }

    /// The interrupting speech's first frame was handed to the kernel at `actualNs` (after `nextFrame` set
    /// `isStampingSpeechStart`).
    public mutating func bargeInSpeechSent(actualNs: Int64) {
        self.isStampingSpeechStart = false
        guard var b = self.bargeIn, b.startNs != nil else { return }
        b.startNs = actualNs
        self.bargeIn = b
    }

    /// Writes the interruption's numbers onto the interrupting turn once it has finished (again when more of the
    /// interrupted answer arrives after).
    private mutating func recordBargeIn() {
        guard let b = self.bargeIn, let start = b.startNs, b.turn < self.turns.count else { return }
        func ms(_ ns: Int64) -> Double { Double(ns) / 1e6 }
        let spanNs = b.lastAudioNs.map { max(0, $0 - start) } ?? 0
        let missed = spanNs >= self.plan.bargeInMissedAfterNs
        self.turns[b.turn].bargeInMissed = missed
        self.turns[b.turn].bargeInMs = missed ? nil : ms(spanNs)
        self.turns[b.turn].bargeInStopMs = missed ? nil : b.stopSignalNs.map { ms(max(0, $0 - start)) }
        self.turns[b.turn].leakedAudioMs = ms(b.leakedNs)
    }

    /// Lets a transport complete the last finished turn with what only it knows (playout delay, stalls heard
    /// through its jitter buffer).
    public mutating func amendLastTurn(_ amend: (inout TurnResult) -> Void) {
        guard !self.turns.isEmpty else { return }
        amend(&self.turns[self.turns.count - 1])
    }
}
