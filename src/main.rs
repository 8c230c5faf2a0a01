fn main() -> std::process::ExitCode {
    plex_auth::run()
}
