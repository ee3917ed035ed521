import Foundation
import Testing

/// `chorus k8s render`: the manifests match the golden file, pass the Kubernetes schemas (kubernetes-validate,
/// strict) and say what a sharded run needs (checked field by field, since the schemas accept any string where
/// an enum is meant).
@Suite("chorus k8s render", .serialized)
struct K8sRenderTests {
    static let scenario = "Tests/Distributed/scenario.yaml"
    static let golden = "\(CLITests.root)/Tests/Distributed/k8s-render.golden.yaml"
    static let args = [
        "k8s", "render", scenario, "--shards", "3", "--image", "registry.example/chorus:0.1.0",
        "--start-at", "2026-12-05T08:00:00Z", "--namespace", "load",
    ]

    @Test("the rendered ConfigMap and Job match the golden file (CHORUS_RECORD_GOLDEN=1 re-records it)")
    func matchesGolden() throws {
        let r = try CLITests.chorus(Self.args)
        #expect(r.code == 0, "\(r.err)")
        if ProcessInfo.processInfo.environment["CHORUS_RECORD_GOLDEN"] == "1" {
            try r.out.write(toFile: Self.golden, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOfFile: Self.golden, encoding: .utf8)
        #expect(r.out == expected, "re-record with CHORUS_RECORD_GOLDEN=1 if the change is meant")
    }

    @Test("kubernetes-validate --strict accepts both manifests, for a claim and for a host directory", .timeLimit(.minutes(2)))
    func validatesAgainstSchemas() throws {
        for results in ["pvc:chorus-results", "dir:/var/lib/chorus"] {
            let dir = CLITests.tempDir()
            let r = try CLITests.chorus(Self.args + ["--results", results, "--output", dir])
            #expect(r.code == 0, "\(r.err)")
            let v = try CLITests.python(
                "import sys; from kubernetes_validate.__main__ import main; sys.argv=['kubernetes-validate']+sys.argv[1:]; sys.exit(main())",
                ["--strict", "-k", "1.33.0", "\(dir)/configmap.yaml", "\(dir)/job.yaml"])
            #expect(v.code == 0, "kubernetes-validate (python3 -m pip install kubernetes-validate): \(v.out)\n\(v.err)")
        }
    }

    @Test("the Job is an Indexed Job that runs one shard per pod with the environment contract")
    func semantics() throws {
        let dir = CLITests.tempDir()
        let r = try CLITests.chorus(Self.args + ["--results", "dir:/var/lib/chorus", "--output", dir])
        #expect(r.code == 0, "\(r.err)")
        let script = """
            import sys, yaml, base64
            cm = yaml.safe_load(open(sys.argv[1])); job = yaml.safe_load(open(sys.argv[2])); root = sys.argv[3]
            s = job['spec']; pod = s['template']['spec']; c = pod['containers'][0]
            env = {e['name']: e['value'] for e in c['env']}
            checks = {
              'completionMode': s['completionMode'] == 'Indexed',
              'completions=parallelism=3': s['completions'] == 3 and s['parallelism'] == 3,
              'backoffLimitPerIndex': s['backoffLimitPerIndex'] == 0 and s['maxFailedIndexes'] == 3,
              'failIndex': any(r['action'] == 'FailIndex' and r['onExitCodes']['values'] == [1] for r in s['podFailurePolicy']['rules'] if 'onExitCodes' in r),
              'failJob': any(r['action'] == 'FailJob' and r['onExitCodes']['values'] == [2] for r in s['podFailurePolicy']['rules'] if 'onExitCodes' in r),
              'restartPolicy': pod['restartPolicy'] == 'Never',
              'deadline': s['activeDeadlineSeconds'] == 120 + 300 + 15 + 300 and s['ttlSecondsAfterFinished'] == 86400,
              'spread': pod['topologySpreadConstraints'][0]['topologyKey'] == 'kubernetes.io/hostname' and pod['topologySpreadConstraints'][0]['maxSkew'] == 1,
              'spreadSelector': pod['topologySpreadConstraints'][0]['labelSelector']['matchLabels'].items() <= s['template']['metadata']['labels'].items(),
              'guaranteed': c['resources']['requests'] == c['resources']['limits'],
              'env': env['CHORUS_SHARD_COUNT'] == '3' and env['CHORUS_START_AT'] == '2026-12-05T08:00:00Z' and env['CHORUS_RESULTS_DIR'] == '/results' and len(env['CHORUS_RUN_ID']) > 0,
              'ulimit': c['args'][0].startswith('ulimit -n') and 'exec chorus run /scenario/scenario.yaml' in c['args'][0],
              'hostPath': pod['volumes'][1]['hostPath']['path'] == '/var/lib/chorus',
              'scenario': cm['data']['scenario.yaml'] == open(root + '/Tests/Distributed/scenario.yaml').read(),
              'audio': base64.b64decode(cm['binaryData']['audio--hello.wav']) == open(root + '/Tests/Distributed/audio/hello.wav', 'rb').read(),
              'audioPath': {'key': 'audio--hello.wav', 'path': 'audio/hello.wav'} in pod['volumes'][0]['configMap']['items'],
              'namespace': job['metadata']['namespace'] == 'load' and cm['metadata']['namespace'] == 'load',
            }
            bad = [k for k, ok in checks.items() if not ok]
            print('failed: ' + ', '.join(bad) if bad else 'ok')
            """
        let v = try CLITests.python(script, ["\(dir)/configmap.yaml", "\(dir)/job.yaml", CLITests.root])
        #expect(v.out.trimmingCharacters(in: .whitespacesAndNewlines) == "ok", "\(v.out)\n\(v.err)")
    }

    @Test("every audio file the scenario names goes into the ConfigMap, the barge-in utterance included")
    func bundlesEveryAudioFile() throws {
        let dir = CLITests.tempDir()
        try FileManager.default.createDirectory(atPath: "\(dir)/audio", withIntermediateDirectories: true)
        let hello = "\(CLITests.root)/Tests/Distributed/audio/hello.wav"
        try FileManager.default.copyItem(atPath: hello, toPath: "\(dir)/audio/hello.wav")
        try FileManager.default.copyItem(atPath: hello, toPath: "\(dir)/audio/over-you.wav")
        try FileManager.default.copyItem(atPath: "\(CLITests.root)/\(Self.scenario)", toPath: "\(dir)/scenario.yaml")
        let r = try CLITests.chorus([
            "k8s", "render", "\(dir)/scenario.yaml", "--shards", "2", "--image", "x", "--output", dir,
            "--set", "session.barge_in.probability=0.5", "--set", "session.barge_in.after=400ms..800ms",
            "--set", "session.barge_in.utterance=audio/over-you.wav",
        ])
        #expect(r.code == 0, "\(r.err)")
        let configMap = try String(contentsOfFile: "\(dir)/configmap.yaml", encoding: .utf8)
        #expect(configMap.contains("audio--hello.wav"))
        #expect(configMap.contains("audio--over-you.wav"), "the barge-in utterance is not in the ConfigMap")
    }

    @Test("bad flags exit 2 naming the flag and what was expected")
    func badFlags() throws {
        let base = ["k8s", "render", Self.scenario, "--image", "x"]
        let shards = try CLITests.chorus(base + ["--shards", "0"])
        #expect(shards.code != 0 && shards.err.contains("--shards must be between 1 and 100000"), "\(shards.err)")
        let results = try CLITests.chorus(base + ["--shards", "2", "--results", "nfs:x"])
        #expect(results.code != 0 && results.err.contains("--results must be pvc:NAME or dir:"), "\(results.err)")
        let start = try CLITests.chorus(base + ["--shards", "2", "--start-at", "tomorrow"])
        #expect(start.code != 0 && start.err.contains("--start-at must be an RFC 3339 instant"), "\(start.err)")
    }
}
