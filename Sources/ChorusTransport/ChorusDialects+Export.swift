// The caller side of every dialect (`CallerDialect`, `SharedAudio`, `AgentEvent`, the dialects themselves) lives in
// ChorusDialects, next to each dialect's agent side, and this module's API speaks in those types (a WebSocket call
// takes `any CallerDialect`). So importing ChorusTransport brings them too, here and for every client.
@_exported import ChorusDialects
