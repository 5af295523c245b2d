package com.example.plain;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** An application with Spring Security on its class path and no chain of its own: Spring Boot's default one. */
@SpringBootApplication
public class PlainApplication {}
