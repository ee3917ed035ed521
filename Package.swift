// swift-tools-version: 6.1
import PackageDescription

let nio: [Target.Dependency] = [
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOPosix", package: "swift-nio"),
    .product(name: "NIOHTTP1", package: "swift-nio"),
    .product(name: "NIOWebSocket", package: "swift-nio"),
    .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
]

let package = Package(
    name: "chorus",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "chorus", targets: ["chorus"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        // Base64 for agent audio (faster than our hand-written codec: docs/dialects.md). Its manifest needs Swift 6.2.
        .package(url: "https://github.com/swift-extras/swift-extras-base64", from: "1.2.0"),
        // HMAC-SHA1 for STUN's MESSAGE-INTEGRITY in the WebRTC callers.
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        // C libraries, each behind a module map and a tiny shim for what Swift cannot call.
        .systemLibrary(name: "COpus", pkgConfig: "opus", providers: [.apt(["libopus-dev"])]),
        .systemLibrary(name: "CSndFile", pkgConfig: "sndfile", providers: [.apt(["libsndfile1-dev"])]),
        .systemLibrary(name: "CSampleRate", pkgConfig: "samplerate", providers: [.apt(["libsamplerate0-dev"])]),
        .systemLibrary(name: "CSRTP", pkgConfig: "libsrtp2", providers: [.apt(["libsrtp2-dev"])]),
        // The system OpenSSL 3 (DTLS 1.2 with use_srtp for the WebRTC callers), not swift-nio-ssl's BoringSSL, which
        // that package does not export. The shim wraps OpenSSL's macros and adds a datagram-preserving BIO.
        .target(name: "CChorusDTLS", linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto")]),
        .target(name: "CChorusSRTPCrypto", dependencies: ["CSRTP"], linkerSettings: [.linkedLibrary("crypto")]),

        .target(name: "ChorusCore"),
        .target(name: "ChorusAudio", dependencies: ["ChorusCore", "COpus", "CSndFile", "CSampleRate"]),
        .target(name: "ChorusNetwork", dependencies: ["ChorusCore"]),
        .target(name: "ChorusRTP", dependencies: ["ChorusCore", "ChorusAudio"]),
        .target(
            name: "ChorusDialects",
            dependencies: [
                "ChorusCore", "ChorusAudio", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "ExtrasBase64", package: "swift-extras-base64"),
            ]
        ),
        .target(
            name: "ChorusTransport",
            dependencies: [
                "ChorusCore", "ChorusAudio", "ChorusNetwork", "ChorusRTP", "ChorusDialects", "ChorusWebRTC",
                "ChorusWebRTCNIO", "ChorusSockets", .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ] + nio,
            // The callers' state is confined to their event loop; the runtime's exclusivity checks on it cost about
            // 2 % of the harness's CPU per frame (perf, 1,000 callers) and can never fire.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]
        ),
        .target(
            name: "ChorusAgent",
            dependencies: [
                "ChorusCore", "ChorusAudio", "ChorusRTP", "ChorusDialects", "ChorusWebRTC", "ChorusWebRTCNIO",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ] + nio
        ),
        .target(
            name: "ChorusEngine",
            dependencies: [
                "ChorusCore", "ChorusAudio", "ChorusNetwork", "ChorusTransport", "ChorusDialects", "ChorusWebRTC",
                .product(name: "Yams", package: "Yams"),
            ] + nio
        ),
        .target(
            name: "ChorusWebRTC",
            dependencies: ["ChorusCore", "CChorusDTLS", "CSRTP", "CChorusSRTPCrypto", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // Sockets the callers open themselves and write past NIO (UDP for RTP and WebRTC, TCP for ws://), and the
        // datagram buffers RTP and WebRTC share.
        .target(name: "ChorusSockets", dependencies: [.product(name: "NIOCore", package: "swift-nio")]),
        // WebRTC's sans-IO pieces on a SwiftNIO channel, shared by the callers and the reference agent.
        .target(
            name: "ChorusWebRTCNIO",
            dependencies: [
                "ChorusWebRTC", "CChorusSRTPCrypto", "ChorusCore", "ChorusSockets", .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(name: "ChorusStore", dependencies: ["ChorusCore", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "ChorusReport", dependencies: ["ChorusCore", "ChorusStore"]),
        .target(
            name: "ChorusTestSupport",
            dependencies: [
                "ChorusCore", "ChorusAudio", "ChorusNetwork", "ChorusTransport", "ChorusAgent", "ChorusEngine", "ChorusStore", "ChorusDialects",
            ] + nio
        ),
        .executableTarget(
            name: "chorus-microbench",
            dependencies: [
                "ChorusCore", "ChorusDialects", "ChorusWebRTC", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ExtrasBase64", package: "swift-extras-base64"),
            ]
        ),
        .executableTarget(
            name: "chorus",
            dependencies: [
                "ChorusCore", "ChorusAudio", "ChorusTransport", "ChorusAgent", "ChorusEngine", "ChorusStore",
                "ChorusReport", "ChorusDialects", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ] + nio
        ),

        .testTarget(name: "ChorusCoreTests", dependencies: ["ChorusCore"]),
        .testTarget(name: "ChorusAudioTests", dependencies: ["ChorusAudio", "ChorusCore"]),
        .testTarget(
            name: "ChorusEngineTests",
            dependencies: ["ChorusEngine", "ChorusCore", "ChorusAudio", "ChorusTransport", "ChorusTestSupport"] + nio
        ),
        .testTarget(name: "ChorusNetworkTests", dependencies: ["ChorusNetwork", "ChorusCore"]),
        .testTarget(name: "ChorusRTPTests", dependencies: ["ChorusRTP", "ChorusAudio", "ChorusCore"]),
        .testTarget(name: "ChorusDialectsTests", dependencies: ["ChorusDialects", "ChorusCore"], exclude: ["Golden"]),
        .testTarget(
            name: "ChorusAgentTests",
            dependencies: [
                "ChorusAgent", "ChorusDialects", "ChorusTransport", "ChorusAudio", "ChorusCore",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ] + nio
        ),
        .testTarget(
            name: "ChorusTransportTests",
            dependencies: ["ChorusTransport", "ChorusDialects", "ChorusAudio", "ChorusCore", "ChorusRTP", "CAllocationCounter", "ChorusTestSupport", "ChorusNetwork", "ChorusWebRTC", "ChorusWebRTCNIO", "ChorusSockets"] + nio
                + [.product(name: "NIOEmbedded", package: "swift-nio")]
        ),
        // Counts heap allocations per thread (interposes malloc in the test executable): the no-allocation tests.
        .target(name: "CAllocationCounter", path: "Tests/CAllocationCounter"),
        .testTarget(
            name: "ChorusWebRTCTests", dependencies: ["ChorusWebRTC", "ChorusCore", "CAllocationCounter"]
        ),
        .testTarget(name: "ChorusStoreTests", dependencies: ["ChorusStore", "ChorusCore"]),
        .testTarget(name: "ChorusReportTests", dependencies: ["ChorusReport", "ChorusStore", "ChorusCore"]),
        .testTarget(
            name: "ChorusIntegrationTests",
            dependencies: [
                "ChorusTestSupport", "ChorusEngine", "ChorusAgent", "ChorusAudio", "ChorusCore", "ChorusNetwork",
                "ChorusTransport",
            ] + nio,
            // The third-party WebRTC peer the interop test runs (aiortc, from PyPI).
            exclude: ["Peers"]
        ),
        .testTarget(
            name: "ChorusRTPInteropTests",
            dependencies: ["ChorusRTP", "ChorusAgent", "ChorusAudio", "ChorusCore", "ChorusTestSupport"] + nio
        ),
        .testTarget(name: "ChorusCLITests", dependencies: ["ChorusCore", "chorus"]),
    ]
)
