import ArgumentParser
import TerraceCLI

@main
extension TerraceCommand {}
