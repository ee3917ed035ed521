/// `Decodable` structs holding exactly the fields the Chorus decoders read, for `JSONDecoder`.
enum FoundationShapes {
    struct OpenAIDelta: Decodable {
        var type: String
        var responseId: String?
        var itemId: String?
        var outputIndex: Int?
        var contentIndex: Int?
        var delta: String

        enum CodingKeys: String, CodingKey {
            case type, delta
            case responseId = "response_id", itemId = "item_id", outputIndex = "output_index"
            case contentIndex = "content_index"
        }
    }

    struct OpenAIResponseDone: Decodable {
        struct Response: Decodable {
            struct Details: Decodable {
                struct Failure: Decodable {
                    var type: String?
                    var code: String?
                }
                var reason: String?
                var error: Failure?
            }
            struct Usage: Decodable {
                var totalTokens: Int?
                var inputTokens: Int?
                var outputTokens: Int?

                enum CodingKeys: String, CodingKey {
                    case totalTokens = "total_tokens", inputTokens = "input_tokens", outputTokens = "output_tokens"
                }
            }
            var id: String?
            var status: String
            var statusDetails: Details?
            var usage: Usage?

            enum CodingKeys: String, CodingKey {
                case id, status, usage
                case statusDetails = "status_details"
            }
        }
        var type: String
        var response: Response
    }

    /// Every event a Twilio agent sends, as one shape (`media` and `mark` are optional).
    struct TwilioMessage: Decodable {
        struct Media: Decodable { var payload: String }
        struct Mark: Decodable { var name: String }
        var event: String
        var streamSid: String?
        var media: Media?
        var mark: Mark?
    }
}
