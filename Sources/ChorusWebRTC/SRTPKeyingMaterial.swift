/// The SRTP master keys and salts a DTLS-SRTP handshake exported (RFC 5764 §4.2), seen from one end: `local`
/// protects what this end sends, `remote` checks what the far end sends.
public struct SRTPKeyingMaterial: Sendable, Equatable {
    /// The profile the handshake selected; it fixes the key and salt lengths.
    public var profile: SRTPProfile
    /// Master key for the packets this end sends.
    public var localMasterKey: [UInt8]
    /// Master salt for the packets this end sends.
    public var localMasterSalt: [UInt8]
    /// Master key for the packets the far end sends.
    public var remoteMasterKey: [UInt8]
    /// Master salt for the packets the far end sends.
    public var remoteMasterSalt: [UInt8]

    /// Keying material as given; `SRTPSession.init(keys:)` checks the lengths against `profile`.
    public init(
        profile: SRTPProfile, localMasterKey: [UInt8], localMasterSalt: [UInt8], remoteMasterKey: [UInt8],
        remoteMasterSalt: [UInt8]
    ) {
        self.profile = profile
        self.localMasterKey = localMasterKey
        self.localMasterSalt = localMasterSalt
        self.remoteMasterKey = remoteMasterKey
        self.remoteMasterSalt = remoteMasterSalt
    }

    /// Splits the exporter output laid out as client key, server key, client salt, server salt (RFC 5764 §4.2);
    /// nil when `exported` is not `2 × (key + salt)` bytes for `profile`. `isClient` says which half is local.
    public init?(profile: SRTPProfile, exported: [UInt8], isClient: Bool) {
        let keyLength = profile.masterKeyLength
        let saltLength = profile.masterSaltLength
        guard exported.count == 2 * (keyLength + saltLength) else { return nil }
        let clientKey = Array(exported[0..<keyLength])
        let serverKey = Array(exported[keyLength..<2 * keyLength])
        let clientSalt = Array(exported[2 * keyLength..<2 * keyLength + saltLength])
        let serverSalt = Array(exported[2 * keyLength + saltLength..<2 * (keyLength + saltLength)])
        self.profile = profile
        self.localMasterKey = isClient ? clientKey : serverKey
        self.localMasterSalt = isClient ? clientSalt : serverSalt
        self.remoteMasterKey = isClient ? serverKey : clientKey
        self.remoteMasterSalt = isClient ? serverSalt : clientSalt
    }

    /// The same material seen from the far end: local and remote swapped.
    public var mirrored: SRTPKeyingMaterial {
        SRTPKeyingMaterial(
            profile: self.profile, localMasterKey: self.remoteMasterKey, localMasterSalt: self.remoteMasterSalt,
            remoteMasterKey: self.localMasterKey, remoteMasterSalt: self.localMasterSalt
        )
    }
}
