import ChorusDialects
import Testing

@Suite("Secrets: ${VAR} expansion and redaction")
struct SecretsTests {
    static let environment = ["OPENAI_API_KEY": "sk-proj-abc123", "HOST": "agent.example", "EMPTY": "", "A_1": "x"]

    @Test(arguments: [
        ("Bearer ${OPENAI_API_KEY}", "Bearer sk-proj-abc123"),
        ("wss://${HOST}/media?k=${OPENAI_API_KEY}&h=${HOST}", "wss://agent.example/media?k=sk-proj-abc123&h=agent.example"),
        ("no references", "no references"),
        ("", ""),
        ("${EMPTY}", ""),
        ("${A_1}${A_1}", "xx"),
        ("cost: $5 and $HOST and $", "cost: $5 and $HOST and $"),
        ("literal $${HOST} stays", "literal ${HOST} stays"),
        ("$$${HOST}", "$${HOST}"),  // left to right: `$`, then the escape `$${`
        ("ünïcode ${HOST} ✓", "ünïcode agent.example ✓"),
    ])
    func expands(template: String, expected: String) throws {
        #expect(try Secrets.expandEnvironment(template, environment: Self.environment).get() == expected)
    }

    @Test(arguments: [
        ("Bearer ${MISSING_KEY}", EnvironmentExpansionError.missingVariables(["MISSING_KEY"])),
        ("${B} ${HOST} ${A} ${B}", .missingVariables(["B", "A"])),
        ("${openai_api_key}", .missingVariables(["openai_api_key"])),  // names are case-sensitive
        ("Bearer ${OPENAI_API_KEY", .unterminatedReference("${OPENAI_API_KEY")),
        ("${}", .invalidName("")),
        ("${1KEY}", .invalidName("1KEY")),
        ("${KEY:-default}", .invalidName("KEY:-default")),
        ("${ HOST }", .invalidName(" HOST ")),
    ])
    func failsNamingTheProblem(template: String, expected: EnvironmentExpansionError) {
        #expect(Secrets.expandEnvironment(template, environment: Self.environment).failure == expected)
    }

    @Test func errorsReadWell() {
        #expect(
            EnvironmentExpansionError.missingVariables(["OPENAI_API_KEY"]).description
                == "environment variable OPENAI_API_KEY is not set")
        #expect(EnvironmentExpansionError.missingVariables(["A", "B"]).description == "environment variables A, B are not set")
    }

    @Test func referencedVariablesListTheSecretsToRedact() {
        #expect(Secrets.referencedVariables(in: "${A} ${B} $${C} ${A}") == ["A", "B"])
    }

    @Test func redactionRemovesEveryOccurrence() {
        let key = "sk-proj-abc123"
        let text = "Authorization: Bearer \(key)\nretry with \(key)\(key) (\(key))"
        let redacted = Secrets.redact(text, secrets: [key])
        #expect(!redacted.contains(key))
        #expect(redacted == "Authorization: Bearer ***\nretry with ****** (***)")
    }

    @Test func redactionPrefersTheLongestSecretAndIgnoresEmptyOnes() {
        let redacted = Secrets.redact("token=abcdef; short=abc", secrets: ["abc", "abcdef", ""])
        #expect(redacted == "token=***; short=***")
        #expect(Secrets.redact("keep me", secrets: [""]) == "keep me")
        #expect(Secrets.redact("ünï-sëcret-ünï", secrets: ["sëcret"]) == "ünï-***-ünï")
        #expect(Secrets.redact("***", secrets: ["*"]) == "*********")
    }

    @Test(arguments: [
        ("Authorization", "Bearer sk-proj-abc123", "Bearer ***"),
        ("authorization", "Basic QUM6dG9rZW4=", "Basic ***"),
        ("AUTHORIZATION", "sk-raw", "***"),
        ("api-key", "azure-key-123", "***"),
        ("X-API-Key", "k", "***"),
        ("Proxy-Authorization", "Bearer p", "Bearer ***"),
        ("OpenAI-Safety-Identifier", "user-hash", "user-hash"),
        ("Content-Type", "application/json", "application/json"),
        ("Sec-WebSocket-Protocol", "realtime, openai-insecure-api-key.sk-abc", "realtime, openai-insecure-api-key.***"),
    ])
    func headerValues(name: String, value: String, expected: String) {
        #expect(Secrets.redactedHeaderValue(name: name, value: value) == expected)
    }

    @Test func headerListsKeepOrderAndNames() {
        let headers = Secrets.redactHeaders([(name: "Host", value: "api.openai.com"), (name: "Authorization", value: "Bearer k")])
        #expect(headers.map(\.name) == ["Host", "Authorization"])
        #expect(headers.map(\.value) == ["api.openai.com", "Bearer ***"])
    }
}
