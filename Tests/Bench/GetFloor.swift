/// Placeholder replaced by the plan benchmark's GET floor tool.
@main
enum GetFloor {
    static func main() async {}
}
