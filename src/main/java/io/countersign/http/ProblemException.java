package io.countersign.http;

/** Ends a request with a {@link Problem}; thrown by services, answered by {@link ProblemMappers}. */
public final class ProblemException extends RuntimeException {
    private final Problem problem;

    public ProblemException(Problem problem) {
        super(problem.code() + ": " + problem.detail(), null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
