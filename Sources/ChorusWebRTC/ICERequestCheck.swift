/// What every ICE agent, full or lite, does with a received STUN datagram before acting on it, and the responses it
/// sends (RFC 8445 §7.3, RFC 8489 §6.3 and §9.1.3).
enum ICERequestCheck {
    /// What a Binding request turned out to be.
    enum Outcome {
        /// USERNAME names us (and the expected peer), MESSAGE-INTEGRITY verifies with our password, and every
        /// comprehension-required attribute is understood: act on it.
        case authentic
        /// Send `response` (an error) and act on nothing else; `unverified` when it failed authentication.
        case reject(response: [UInt8], unverified: Bool)
    }

    /// UNKNOWN-ATTRIBUTES (RFC 8489 §14.9), which a 420 response lists.
    static let unknownAttributesType = STUNAttributeType(rawValue: 0x000A)

    /// The message in `datagram` if it is STUN with a matching FINGERPRINT (ICE requires one, RFC 8445 §7.3) and
    /// parses; nil for anything else, which an agent drops without answering.
    static func parse(_ datagram: UnsafeRawBufferPointer) -> STUNMessage? {
        guard let first = datagram.first, PacketKind.isSTUN(first), STUNMessage.verifyFingerprint(bytes: datagram),
            case .success(let message) = STUNMessage.parse(datagram)
        else { return nil }
        return message
    }

    /// Checks a Binding request `message` (whose bytes as received are `datagram`) addressed to an agent with
    /// `local` credentials and key `localKey`; `remoteUfrag` nil accepts any sender ufrag.
    static func check(
        _ message: STUNMessage,
        datagram: UnsafeRawBufferPointer,
        local: ICECredentials,
        localKey: [UInt8],
        remoteUfrag: String?
    ) -> Outcome {
        // RFC 8489 §9.1.3: a request without the credentials gets 400, wrong ones get 401, neither carries
        // MESSAGE-INTEGRITY (there is nothing both sides share to key it with).
        guard message.type.method == STUNMessageType.bindingMethod, let username = message.username,
            message.messageIntegrity != nil
        else {
            return .reject(response: Self.errorResponse(to: message, error: .badRequest, key: nil), unverified: true)
        }
        let expectedPrefix = local.ufrag + ":"
        let sender = username.hasPrefix(expectedPrefix) ? username.dropFirst(expectedPrefix.count) : nil
        guard let sender, !sender.isEmpty, remoteUfrag.map({ $0 == sender }) ?? true,
            STUNMessage.verifyIntegrity(bytes: datagram, key: localKey)
        else {
            return .reject(
                response: Self.errorResponse(to: message, error: .unauthenticated, key: nil),
                unverified: true
            )
        }
        let unknown = message.attributes.compactMap { attribute -> UInt16? in
            guard case .unknown(let type, _) = attribute, type.isComprehensionRequired, type.name == nil else {
                return nil
            }
            return type.rawValue
        }
        guard unknown.isEmpty else {
            var list: [UInt8] = []
            for type in unknown { list.appendUInt16(type) }
            let response = Self.errorResponse(
                to: message,
                error: .unknownAttribute,
                key: localKey,
                extra: [.unknown(type: Self.unknownAttributesType, value: list)]
            )
            return .reject(response: response, unverified: false)
        }
        return .authentic
    }

    /// A Binding success response to `request` telling the sender it came from `source` (XOR-MAPPED-ADDRESS), with
    /// MESSAGE-INTEGRITY keyed with `key` (our password) and FINGERPRINT.
    static func successResponse(to request: STUNMessage, source: STUNAddress, key: [UInt8]) -> [UInt8] {
        STUNMessage(
            type: .bindingSuccess,
            transactionID: request.transactionID,
            attributes: [.xorMappedAddress(source)]
        )
        .encode(integrityKey: key, fingerprint: true)
    }

    /// A Binding error response to `request` with `error`, MESSAGE-INTEGRITY when `key` is given, and FINGERPRINT.
    static func errorResponse(
        to request: STUNMessage,
        error: STUNErrorCode,
        key: [UInt8]?,
        extra: [STUNAttribute] = []
    ) -> [UInt8] {
        let type = STUNMessageType(messageClass: .errorResponse, method: request.type.method)
        return STUNMessage(type: type, transactionID: request.transactionID, attributes: [.errorCode(error)] + extra)
            .encode(integrityKey: key, fingerprint: true)
    }
}
