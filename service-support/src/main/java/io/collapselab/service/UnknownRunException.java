package io.collapselab.service;

/** An event belongs to no run this service can work on: never requested, or requested with an unusable config. */
public class UnknownRunException extends Exception {

    public UnknownRunException(String message) {
        super(message);
    }
}
