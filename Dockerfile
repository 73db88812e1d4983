# Gateway image: build with `./mvnw -B -DskipTests package` first, then `docker build -t streamgate/gateway .`
FROM eclipse-temurin:25-jre
RUN useradd --system --create-home --home-dir /var/lib/streamgate streamgate
USER streamgate
WORKDIR /var/lib/streamgate
COPY gateway/target/streamgate-gateway.jar /opt/streamgate/gateway.jar
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/streamgate/gateway.jar"]
