import Foundation
import NIOSSL

/// A certificate and private key (PEM files) for serving `wss://`.
public struct AgentTLS: Sendable, Hashable {
    public var certificatePath: String
    public var keyPath: String

    public init(certificatePath: String, keyPath: String) {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
    }

    /// A server TLS context for `ReferenceAgent.start(host:port:tls:)`.
    public func makeContext() throws -> NIOSSLContext {
        let chain = try NIOSSLCertificate.fromPEMFile(self.certificatePath).map {
            NIOSSLCertificateSource.certificate($0)
        }
        let key = try NIOSSLPrivateKey(file: self.keyPath, format: .pem)
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain, privateKey: .privateKey(key))
        return try NIOSSLContext(configuration: configuration)
    }

    /// A fresh self-signed P-256 certificate for `localhost` and 127.0.0.1, valid two days, written as `cert.pem` and
    /// `key.pem` into `directory` (created if needed) by the `openssl` command. Callers trust it as a CA file.
    public static func selfSigned(directory: String) throws -> AgentTLS {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let cert = (directory as NSString).appendingPathComponent("cert.pem")
        let key = (directory as NSString).appendingPathComponent("key.pem")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw AgentTLSError(detail: "cannot run openssl: \(error)")
        }
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, FileManager.default.fileExists(atPath: cert) else {
            let text = String(decoding: message, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw AgentTLSError(detail: "openssl exited with \(process.terminationStatus): \(text)")
        }
        return AgentTLS(certificatePath: cert, keyPath: key)
    }
}

/// The agent could not set up TLS.
public struct AgentTLSError: Error, CustomStringConvertible, Sendable {
    public var detail: String
    public var description: String { "tls: \(self.detail)" }
}

extension ReferenceAgent {
    /// Writes a self-signed P-256 certificate for `localhost`/127.0.0.1 into `directory` (see `AgentTLS.selfSigned`).
    public static func makeSelfSignedCertificate(directory: String) throws -> (certPath: String, keyPath: String) {
        let tls = try AgentTLS.selfSigned(directory: directory)
        return (tls.certificatePath, tls.keyPath)
    }
}
