/// What a password must be, checked where it is typed (the CLI, the set-password page) before it is hashed:
/// long enough to resist guessing, short enough for bcrypt (which reads 72 bytes), and not one that guessers try
/// first: a well-known password, one character repeated, a run of a keyboard row or of digits, a common word
/// with digits or symbols around it, or the account's own email.
public enum PasswordPolicy {
    public static let minimumLength = 12
    public static let maximumBytes = 72

    /// Why `password` is refused for the account `email`, or nil when it is accepted.
    public static func problem(_ password: String, email: String) -> String? {
        if password.count < minimumLength { return "the password must be at least \(minimumLength) characters" }
        if password.utf8.count > maximumBytes { return "the password must be at most \(maximumBytes) bytes (bcrypt reads no more)" }
        let lower = password.lowercased()
        if Set(lower).count <= 2 { return "the password repeats one or two characters: choose a longer phrase" }
        if runs.contains(where: { $0.contains(lower) }) { return "the password is a run of a keyboard row or of digits: choose another" }
        let local = email.lowercased().split(separator: "@").first.map(String.init) ?? ""
        if local.count >= 4, lower.contains(local) { return "the password must not contain your email address" }
        // The word inside: "Summer2026!" and "P@ssword1234" are guessed as their word. Digits and marks around it
        // go; inside, the characters written for letters are read as letters.
        let padding = Set("0123456789 !?.,;:-_#*&%^+=~()[]{}<>/\\|'\"`")
        let core = lower.drop(while: padding.contains).reversed().drop(while: padding.contains).reversed()
        let letters = String(core.map { substitutions[$0] ?? $0 }.filter(\.isLetter))
        if common.contains(lower) || common.contains(letters) || letters.isEmpty {
            return "the password is one of the most common ones (or one with digits and symbols added): choose another"
        }
        return nil
    }

    /// Characters written for letters in passwords.
    static let substitutions: [Character: Character] = ["@": "a", "4": "a", "3": "e", "1": "i", "!": "i", "0": "o", "$": "s", "5": "s", "7": "t"]

    /// Keyboard rows and digits, forwards and backwards, twice over (a password that is part of one is refused).
    static let runs: [String] = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "1q2w3e4r5t6y7u8i9o0p", "qazwsxedcrfvtgbyhnujm"]
        .flatMap { [$0 + $0, String($0.reversed()) + String($0.reversed())] }

    /// Words and phrases at the top of published lists of leaked passwords, as their letters.
    static let common: Set<String> = [
        "password", "passwords", "passwort", "motdepasse", "contrasena", "qwerty", "qwertyuiop", "azerty", "asdfgh", "asdfghjkl",
        "zxcvbnm", "letmein", "letmeinnow", "welcome", "welcomehome", "iloveyou", "iloveyouforever", "admin", "administrator", "root",
        "changeme", "changeit", "default", "secret", "topsecret", "monkey", "dragon", "football", "baseball", "basketball", "soccer",
        "hockey", "sunshine", "princess", "master", "mastermind", "shadow", "superman", "batman", "spiderman", "trustno", "trustnoone",
        "summer", "winter", "spring", "autumn", "january", "february", "march", "april", "june", "july", "august", "september",
        "october", "november", "december", "monday", "friday", "hello", "helloworld", "freedom", "whatever", "qwertyqwerty",
        "abcdef", "abcdefgh", "abcdefghijkl", "abc", "abcabc", "login", "access", "passw", "pass", "passpass", "mypassword",
        "newpassword", "oldpassword", "temppassword", "temporary", "test", "testing", "tester", "guest", "user", "username",
        "starwars", "pokemon", "minecraft", "computer", "internet", "samsung", "google", "microsoft", "apple", "charlie", "michael",
        "jennifer", "jordan", "hunter", "ranger", "buster", "thomas", "robert", "daniel", "andrew", "joshua", "jessica", "ashley",
        "matthew", "amanda", "nicole", "liverpool", "chelsea", "arsenal", "manchester", "barcelona", "london", "paris", "berlin",
        "killer", "pepper", "ginger", "cookie", "chocolate", "butterfly", "flower", "tigger", "purple", "orange", "yellow", "silver",
        "golden", "diamond", "lovely", "loveme", "lover", "angel", "babygirl", "mustang", "ferrari", "porsche", "harley", "yankees",
        "cowboys", "eagles", "corvette", "matrix", "phoenix", "thunder", "blink", "qwer", "zaq", "zaqxsw", "qazwsx", "qazwsxedc",
        "onetwothree", "company", "business", "security", "secure", "private", "tprm", "vendor", "supplier", "procurement",
        "committee", "analyst", "riskmanagement", "compliance", "openai", "chatgpt",
    ]
}
