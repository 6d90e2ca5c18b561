import Foundation
import Postgres
import TestSupport
import Testing

/// How migration files are split into statements, checked by the server itself.
@Suite struct MigrationFileTests {
    @Test func semicolonsInsideQuotesCommentsAndBodiesDoNotSplit() throws {
        let script = """
            -- a comment; with a semicolon
            CREATE TABLE notes (body text DEFAULT 'it''s; fine', "odd;name" text);
            /* block; /* nested; */ still comment; */
            INSERT INTO notes (body) VALUES (E'back\\\\slash\\'; quote');
            CREATE FUNCTION note_count() RETURNS bigint LANGUAGE plpgsql AS $body$
            BEGIN
                RETURN (SELECT count(*) FROM notes); -- inside the body
            END;
            $body$;
            CREATE FUNCTION twice(int) RETURNS int LANGUAGE sql AS $$ SELECT $1 * 2; $$;
            SELECT note_count()
            """
        let directory = try MigratorTests.Directory(["001_notes.sql": script])
        let connection = try Connection(configuration: try TestDatabase.create("split"))
        try Migrator(directory: directory.url).migrate(on: connection)
        let row = try connection.query("SELECT body, note_count(), twice(21) FROM notes")[0]
        #expect(try row.decode(String.self, at: 0) == "back\\slash'; quote")
        #expect(try row.decode(Int.self, at: 1) == 1)
        #expect(try row.decode(Int.self, at: 2) == 42)
    }

    @Test func errorsWithoutAPositionNameTheStatementsFirstLine() throws {
        let script = """
            CREATE TABLE a (id int PRIMARY KEY);

            -- the next statement fails when it runs, not when it is parsed
            INSERT INTO a VALUES (1),
                                 (1);
            """
        let directory = try MigratorTests.Directory(["007_dupe.sql": script])
        let connection = try Connection(configuration: try TestDatabase.create("nopos"))
        let error = #expect(throws: MigrationError.self) { try Migrator(directory: directory.url).migrate(on: connection) }
        #expect(error?.description == "007_dupe.sql:4:1: duplicate key value violates unique constraint \"a_pkey\" (SQLSTATE 23505); the migration was rolled back")
    }

    @Test func positionsCountCharactersNotBytes() throws {
        let script = "-- ünïcødé 🚀 comment\nSELECT 'ä' AS ü, nonexistent_column_ö;\n"
        let directory = try MigratorTests.Directory(["001_unicode.sql": script])
        let connection = try Connection(configuration: try TestDatabase.create("unipos"))
        let error = #expect(throws: MigrationError.self) { try Migrator(directory: directory.url).migrate(on: connection) }
        #expect(error?.description.hasPrefix("001_unicode.sql:2:18: column \"nonexistent_column_ö\" does not exist") == true)
    }
}
