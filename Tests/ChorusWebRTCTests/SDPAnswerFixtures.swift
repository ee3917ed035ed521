// Answers in the shapes real stacks write them, as answers to an audio-only offer like ours (mid 0, Opus and PCMU).
// Addresses are documentation ranges; ufrags, passwords and fingerprints are made up but have real lengths.

enum SDPAnswerFixtures {
    /// Chrome (libwebrtc): fingerprint at session level here (Firefox's habit; Chrome repeats it per section), TCP
    /// and UDP host candidates with libwebrtc's extension pairs, several extmaps, Opus 111, `a=setup:active`.
    static let chrome = """
        v=0
        o=- 4611731400430051336 2 IN IP4 127.0.0.1
        s=-
        t=0 0
        a=group:BUNDLE 0
        a=extmap-allow-mixed
        a=msid-semantic: WMS 7a5d3a1f-4c1e-4d8e-9d53-0f1b6c2e9a11
        a=fingerprint:sha-256 82:B7:0E:EE:7F:1A:50:39:BE:F0:7E:C2:34:7F:06:6E:D0:8F:5D:C7:51:24:47:E3:40:43:00:02:6B:6E:54:55
        m=audio 54312 UDP/TLS/RTP/SAVPF 111 0
        c=IN IP4 192.0.2.34
        a=rtcp:9 IN IP4 0.0.0.0
        a=candidate:3077585466 1 udp 2122260223 192.0.2.34 54312 typ host generation 0 network-id 1 network-cost 10
        a=candidate:1896430362 1 tcp 1518280447 192.0.2.34 9 typ host tcptype active generation 0 network-id 1 network-cost 10
        a=ice-ufrag:Lr5u
        a=ice-pwd:k3+7S0cK9PYhUHeHrXz0Gq1x
        a=ice-options:trickle
        a=setup:active
        a=mid:0
        a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
        a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
        a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
        a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
        a=sendrecv
        a=msid:7a5d3a1f-4c1e-4d8e-9d53-0f1b6c2e9a11 2f1c9b0e-6d3a-4a57-8f0e-1b2c3d4e5f60
        a=rtcp-mux
        a=rtpmap:111 opus/48000/2
        a=rtcp-fb:111 transport-cc
        a=fmtp:111 minptime=10;useinbandfec=1
        a=rtpmap:0 PCMU/8000
        a=ssrc:2719012345 cname:Hq1WqQe4k8s0l1Zr
        a=ssrc:2719012345 msid:7a5d3a1f-4c1e-4d8e-9d53-0f1b6c2e9a11 2f1c9b0e-6d3a-4a57-8f0e-1b2c3d4e5f60

        """

    /// aiortc: everything in the media section, candidates (MD5 foundations) before `a=end-of-candidates` and the
    /// ICE credentials, three fingerprints, `a=setup:active`, and Opus under the payload type 96.
    static let aiortc = """
        v=0
        o=- 3930484725 3930484725 IN IP4 0.0.0.0
        s=-
        t=0 0
        a=group:BUNDLE 0
        a=msid-semantic:WMS *
        m=audio 46127 UDP/TLS/RTP/SAVPF 96 0
        c=IN IP4 198.51.100.5
        a=sendrecv
        a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid
        a=extmap:2 urn:ietf:params:rtp-hdrext:ssrc-audio-level
        a=mid:0
        a=msid:9c0c4f5e-2a1b-4c3d-8e9f-0a1b2c3d4e5f 5d7b1e2f-3a4b-4c5d-9e8f-7a6b5c4d3e2f
        a=rtcp:9 IN IP4 0.0.0.0
        a=rtcp-mux
        a=ssrc:1672398524 cname:0f3a8e7c-1b2d-4e5f-a6b7-c8d9e0f1a2b3
        a=rtpmap:96 opus/48000/2
        a=rtpmap:0 PCMU/8000
        a=candidate:5c2e8f0a1b2c3d4e5f60718293a4b5c6 1 udp 2130706431 198.51.100.5 46127 typ host
        a=candidate:a1b2c3d4e5f60718293a4b5c6d7e8f90 1 udp 1694498815 203.0.113.7 46127 typ srflx raddr 198.51.100.5 rport 46127
        a=end-of-candidates
        a=ice-ufrag:Xy3Q
        a=ice-pwd:Wm6hD2oEwFUe0pQ4bJ7kLr
        a=fingerprint:sha-256 5B:FF:AD:5C:2D:FB:8B:B8:20:B6:11:9C:BA:8F:F8:87:96:AE:5B:05:F2:80:A6:8C:ED:93:B6:B2:8C:B0:D1:B3
        a=fingerprint:sha-384 94:A0:65:68:5D:64:C4:98:0B:B8:D4:54:4A:87:21:A9:9A:01:AD:21:9E:B5:9C:F6:A1:5E:F6:F1:5A:1D:83:0B:B7:CE:09:D6:BB:C0:04:E7:17:5C:64:3C:7D:EC:B0:B5
        a=fingerprint:sha-512 80:EC:37:BC:97:12:DD:2E:6A:AE:B9:4B:AE:8D:2F:9F:A2:9C:5A:28:4C:9E:F7:52:18:29:CF:10:79:B0:80:E9:D7:4A:1C:10:FC:AB:6A:42:43:D3:36:56:DE:BE:4C:1E:D7:96:48:E8:56:E8:F9:A2:F5:8C:95:F0:CE:4B:39:C1
        a=setup:active

        """

    /// Pipecat SmallWebRTC (aiortc underneath) answering a client that offered audio, video and a data channel:
    /// three sections in one BUNDLE group, each with the same candidates and credentials.
    static let pipecat = """
        v=0
        o=- 3930485011 3930485011 IN IP4 0.0.0.0
        s=-
        t=0 0
        a=group:BUNDLE 0 1 2
        a=msid-semantic:WMS *
        m=audio 52019 UDP/TLS/RTP/SAVPF 111 0
        c=IN IP4 198.51.100.9
        a=sendrecv
        a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid
        a=extmap:2 urn:ietf:params:rtp-hdrext:ssrc-audio-level
        a=mid:0
        a=msid:e1c0a2b3-4d5e-4f60-8172-93a4b5c6d7e8 0a9b8c7d-6e5f-4a3b-9c2d-1e0f2a3b4c5d
        a=rtcp:9 IN IP4 0.0.0.0
        a=rtcp-mux
        a=ssrc:3288129910 cname:5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9
        a=rtpmap:111 opus/48000/2
        a=rtpmap:0 PCMU/8000
        a=candidate:0d4bd6c1e5f8a3b2c7d9e0f1a2b3c4d5 1 udp 2130706431 198.51.100.9 52019 typ host
        a=end-of-candidates
        a=ice-ufrag:pQ7r
        a=ice-pwd:Zt4LkC9mN2bV8xR1sW6yHe
        a=fingerprint:sha-256 58:E6:BA:AB:48:55:65:B9:F4:90:28:D5:57:D7:9A:8A:0E:64:51:E1:5C:70:5C:15:F1:73:54:1B:44:38:A2:5C
        a=setup:active
        m=video 52019 UDP/TLS/RTP/SAVPF 96 97
        c=IN IP4 198.51.100.9
        a=sendrecv
        a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid
        a=extmap:3 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
        a=mid:1
        a=msid:e1c0a2b3-4d5e-4f60-8172-93a4b5c6d7e8 7f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2910
        a=rtcp:9 IN IP4 0.0.0.0
        a=rtcp-mux
        a=ssrc-group:FID 1020304050 1121314151
        a=ssrc:1020304050 cname:5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9
        a=ssrc:1121314151 cname:5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9
        a=rtpmap:96 VP8/90000
        a=rtcp-fb:96 nack
        a=rtcp-fb:96 nack pli
        a=rtcp-fb:96 goog-remb
        a=rtpmap:97 rtx/90000
        a=fmtp:97 apt=96
        a=candidate:0d4bd6c1e5f8a3b2c7d9e0f1a2b3c4d5 1 udp 2130706431 198.51.100.9 52019 typ host
        a=end-of-candidates
        a=ice-ufrag:pQ7r
        a=ice-pwd:Zt4LkC9mN2bV8xR1sW6yHe
        a=fingerprint:sha-256 58:E6:BA:AB:48:55:65:B9:F4:90:28:D5:57:D7:9A:8A:0E:64:51:E1:5C:70:5C:15:F1:73:54:1B:44:38:A2:5C
        a=setup:active
        m=application 52019 DTLS/SCTP 5000
        c=IN IP4 198.51.100.9
        a=mid:2
        a=sctpmap:5000 webrtc-datachannel 65535
        a=max-message-size:65536
        a=candidate:0d4bd6c1e5f8a3b2c7d9e0f1a2b3c4d5 1 udp 2130706431 198.51.100.9 52019 typ host
        a=end-of-candidates
        a=ice-ufrag:pQ7r
        a=ice-pwd:Zt4LkC9mN2bV8xR1sW6yHe
        a=fingerprint:sha-256 58:E6:BA:AB:48:55:65:B9:F4:90:28:D5:57:D7:9A:8A:0E:64:51:E1:5C:70:5C:15:F1:73:54:1B:44:38:A2:5C
        a=setup:active

        """

    /// GStreamer webrtcbin: trickles (session-level `a=ice-options:trickle`, port 9, no candidate yet), writes the
    /// encoding name in capitals (`OPUS`), picks its own payload type 97, and puts the fingerprint last.
    static let gstreamer = """
        v=0
        o=- 1858395187409958470 0 IN IP4 0.0.0.0
        s=-
        t=0 0
        a=ice-options:trickle
        a=group:BUNDLE 0
        m=audio 9 UDP/TLS/RTP/SAVPF 97
        c=IN IP4 0.0.0.0
        a=setup:active
        a=ice-ufrag:Tq0yU6ZbQ7TTMS8WkNdyMXnWcmHyfSMA
        a=ice-pwd:7lqDp6OcI7ms7BB5k1JdR0cp6VgchWG5
        a=rtcp-mux
        a=rtcp-rsize
        a=sendrecv
        a=rtpmap:97 OPUS/48000/2
        a=rtcp-fb:97 nack pli
        a=fmtp:97 sprop-maxcapturerate=48000;sprop-stereo=0
        a=ssrc:3360546853 msid:user2316475187@host-8b9d3a2b webrtctransceiver0
        a=ssrc:3360546853 cname:user2316475187@host-8b9d3a2b
        a=mid:0
        a=fingerprint:sha-256 F7:63:12:D4:EE:B3:C2:24:68:79:BF:00:B3:CF:8E:D1:3A:BF:12:9A:30:97:AD:96:B4:42:D6:D1:BD:EF:48:50

        """

    /// An ICE-lite media server (Janus here; mediasoup and LiveKit behave alike): `a=ice-lite` and the fingerprint
    /// at session level, one host candidate on the server's public address, then `a=end-of-candidates`.
    static let iceLite = """
        v=0
        o=- 6432894312837465782 6432894312837465783 IN IP4 198.51.100.20
        s=Janus EchoTest
        t=0 0
        a=group:BUNDLE 0
        a=ice-lite
        a=fingerprint:sha-256 82:B7:0E:EE:7F:1A:50:39:BE:F0:7E:C2:34:7F:06:6E:D0:8F:5D:C7:51:24:47:E3:40:43:00:02:6B:6E:54:55
        a=extmap-allow-mixed
        a=msid-semantic: WMS janus
        m=audio 9 UDP/TLS/RTP/SAVPF 111
        c=IN IP4 198.51.100.20
        a=sendrecv
        a=mid:0
        a=rtcp-mux
        a=ice-ufrag:Vn0f
        a=ice-pwd:cW0kQf1S8d4rT2xP9mZ7yL
        a=ice-options:trickle
        a=setup:active
        a=rtpmap:111 opus/48000/2
        a=fmtp:111 useinbandfec=1
        a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
        a=msid:janus janusa0
        a=ssrc:2245716401 cname:janus
        a=candidate:1 1 udp 2015363327 198.51.100.20 20044 typ host
        a=end-of-candidates

        """

    /// A minimal valid answer that error tests edit one line at a time.
    static let minimal = """
        v=0
        o=- 1 1 IN IP4 0.0.0.0
        s=-
        t=0 0
        a=group:BUNDLE 0
        m=audio 40000 UDP/TLS/RTP/SAVPF 111 0
        c=IN IP4 192.0.2.1
        a=mid:0
        a=sendrecv
        a=rtcp-mux
        a=ice-ufrag:abcd
        a=ice-pwd:abcdefghijklmnopqrstuv
        a=fingerprint:sha-256 82:B7:0E:EE:7F:1A:50:39:BE:F0:7E:C2:34:7F:06:6E:D0:8F:5D:C7:51:24:47:E3:40:43:00:02:6B:6E:54:55
        a=setup:passive
        a=rtpmap:111 opus/48000/2
        a=rtpmap:0 PCMU/8000
        a=candidate:1 1 udp 2130706431 192.0.2.1 40000 typ host
        a=end-of-candidates

        """
}
